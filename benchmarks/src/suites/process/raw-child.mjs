// Baseline child: a bare fork that says ready over IPC (what a hand-rolled supervisor would do).
process.send({ ready: true });
process.on('disconnect', () => process.exit(0));
