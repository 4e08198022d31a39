/**
 * A supervised child process: it sends `{ tick }` every CLOCK_MS to the app, which turns each tick
 * into a queue job. If it crashes, @ody/process restarts it with backoff.
 */
import { defineProcess } from '@ody/process/child';

void defineProcess<{ out: { tick: number } }>(async (ctx) => {
  let tick = 0;
  const every = Number(process.env.CLOCK_MS ?? 5_000);
  const timer = setInterval(() => ctx.send({ tick: ++tick }), every);
  ctx.ready();
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  clearInterval(timer);
});
