// Type tests, checked by `tsc -p packages/process` (npm run typecheck): every @ts-expect-error must be an
// error, so flipping a type (e.g. making `reply` unknown again) fails the typecheck.
import { expectTypeOf } from 'vitest';
import { defineProcess } from '../child.js';
import { processDefinition } from '../definition.js';
import type { ProcessManager } from '../tokens.js';

type StatsIpc = { in: { op: 'stats' }; out: { beat: number }; reply: { beats: number } };
declare const pm: ProcessManager;
const heartbeat = processDefinition<StatsIpc>({ name: 'heartbeat', command: 'true' });

// Manager side: messages and replies flow from the definition.
expectTypeOf(pm.request(heartbeat, { op: 'stats' })).toEqualTypeOf<Promise<{ beats: number }>>();
// @ts-expect-error a request the child does not accept
void pm.request(heartbeat, { op: 'reboot' });
// @ts-expect-error a message the child does not accept
pm.send(heartbeat, { beat: 1 });
pm.onMessage(heartbeat, (message) => expectTypeOf(message).toEqualTypeOf<{ beat: number }>());
// By name, nothing is known: unknown in, unknown out.
expectTypeOf(pm.request('heartbeat', { anything: true })).toEqualTypeOf<Promise<unknown>>();

// Child side: the same type drives ctx.
void defineProcess<StatsIpc>((ctx) => {
  ctx.onMessage((message) => expectTypeOf(message).toEqualTypeOf<{ op: 'stats' }>());
  ctx.onRequest(() => ({ beats: 1 }));
  // @ts-expect-error the reply must match StatsIpc['reply']
  ctx.onRequest(() => ({ beats: 'one' }));
  ctx.send({ beat: 2 });
  // @ts-expect-error the child may only send StatsIpc['out']
  ctx.send({ op: 'stats' });
});
