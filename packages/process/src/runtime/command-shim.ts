// Orphan guard for `command` processes (internal entry, built to dist/command-shim.js; not an export).
// The manager forks this with an IPC channel; it spawns the real command with the same stdio, env and
// cwd, reports the command's pid, forwards stop signals, and mirrors the command's exit code or signal.
// When the IPC channel closes (manager gone, even SIGKILLed) it stops the command: stopSignal, then
// SIGKILL after stopTimeoutMs. Dependency-free on purpose: only node: built-ins, so it starts fast.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Config passed by the manager as argv[2] (JSON); the command and its args follow. */
interface ShimConfig {
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
}

const [, , rawConfig, command, ...args] = process.argv;
const config = JSON.parse(rawConfig ?? '{}') as ShimConfig;
const send = (message: unknown, done?: () => void): void => {
  if (process.connected) process.send!(message, undefined, {}, () => done?.());
  else done?.();
};

// Handlers first, so a stop signal that arrives early never kills the shim and leaves the command behind.
const forwarded = new Set<NodeJS.Signals>(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']);
if (config.stopSignal !== 'SIGKILL' && config.stopSignal !== 'SIGSTOP') forwarded.add(config.stopSignal);
let child: ReturnType<typeof spawn> | undefined;
const forward = (signal: NodeJS.Signals) => {
  if (child?.pid === undefined) process.exit(128 + (constants.signals[signal] ?? 15));
  else child.kill(signal);
};
for (const signal of forwarded) process.on(signal, forward);

/** Leave exactly as the command did: same exit code, or the same signal re-raised on ourselves. */
function mirror(code: number | null, signal: NodeJS.Signals | null): void {
  send({ ody: 'shim-exit', code, signal }, () => {
    if (signal === null) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    const fallback = setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 1)), 1_000);
    process.kill(process.pid, signal);
    void fallback;
  });
}

if (command === undefined) {
  process.stderr.write('ody command shim: no command given\n');
  process.exit(127);
}
child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.once('error', (error) => {
  if (child?.pid !== undefined) return;
  process.stderr.write(`failed to start '${command}': ${error.message}\n`);
  send({ ody: 'shim-exit', code: 127, signal: null }, () => process.exit(127));
});
child.once('spawn', () => send({ ody: 'shim-pid', pid: child!.pid }));
child.once('exit', mirror);

// Manager gone: stop the command on our own, escalating like the manager would.
process.once('disconnect', () => {
  const c = child;
  if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
  c.kill(config.stopSignal);
  setTimeout(() => c.kill('SIGKILL'), config.stopTimeoutMs);
});
