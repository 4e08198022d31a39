// Supervised child for the `process` benchmark: ready at once, then waits to be stopped.
import { defineProcess } from '@ody/process/child';

void defineProcess(async (ctx) => {
  ctx.ready();
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
});
