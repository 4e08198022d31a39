/** The child module of `ody queue:work`: one supervised worker process (see work/child-main.ts). */
import { defineProcess } from '@ody/process/child';
import { startWorking, type WorkMessage, type WorkSpec } from './work/child-main.js';

void defineProcess<{ in: never; out: WorkMessage; reply: never }>(async (ctx) => {
  const spec = JSON.parse(process.argv[2] ?? '{}') as WorkSpec;
  const { message, stop } = await startWorking(spec);
  ctx.send(message);
  if (message.type === 'working') ctx.ready();
  else return stop();
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  await stop();
});
