/**
 * A supervised worker process of the example app: it beats every `HEARTBEAT_MS`, counts its beats,
 * and answers the manager's `{ op: 'stats' }` requests. Stops cleanly on SIGTERM or when the app dies.
 */
import { defineProcess } from '@ody/process/child';

/** What the app may ask the heartbeat worker. */
export type HeartbeatRequest = { op: 'stats' };
/** What the heartbeat worker answers. */
export interface HeartbeatStats {
  beats: number;
  pid: number;
  instance: number;
}
/** The heartbeat worker's IPC types, shared with its definition in ./index.ts. */
export type HeartbeatIpc = { in: HeartbeatRequest; out: { beat: number }; reply: HeartbeatStats };

void defineProcess<HeartbeatIpc>(async (ctx) => {
  let beats = 0;
  const every = Number(process.env.HEARTBEAT_MS ?? 5_000);
  const timer = setInterval(() => {
    beats += 1;
    ctx.send({ beat: beats });
  }, every);
  ctx.onRequest((req) => {
    if (req.op !== 'stats') throw new Error(`unknown request ${JSON.stringify(req)}`);
    return { beats, pid: process.pid, instance: ctx.instance };
  });
  console.log(`heartbeat #${ctx.instance} ready (every ${every} ms)`);
  ctx.ready();
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  clearInterval(timer);
  console.log(`heartbeat #${ctx.instance} stopping after ${beats} beats`);
});
