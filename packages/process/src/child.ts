/**
 * Child side of @ody/process: run a supervised process's main function with a context that speaks IPC
 * to the manager, aborts on stop, and exits when the manager is gone.
 * @example
 * import { defineProcess } from '@ody/process/child';
 * defineProcess<{ in: { ping: number }; reply: { pong: number } }>(async (ctx) => {
 *   ctx.onRequest((req) => ({ pong: req.ping }));
 *   ctx.ready();
 *   await new Promise((r) => ctx.signal.addEventListener('abort', r));
 * });
 */
import { childError } from './ipc/child-error.js';
import { ENV, type Envelope, isEnvelope } from './ipc/protocol.js';
import { type RequestHandler, Rpc } from './ipc/rpc.js';
import type { InOf, OutOf, ProcessIpc, ReplyOf } from './ipc/types.js';

export type { InOf, OutOf, ProcessIpc, ReplyOf } from './ipc/types.js';

/** Why a child was asked to stop. */
export type StopReason = 'signal' | 'disconnect';

/** What a process's main function gets; `I` types the messages (the same type the manager's definition uses). */
export interface ProcessContext<I extends ProcessIpc = ProcessIpc> {
  /** Process name given by the manager (or 'standalone'). */
  readonly name: string;
  /** Instance index (0-based). */
  readonly instance: number;
  /** Aborted when the process should stop: stop signal, or the manager's IPC channel closed. */
  readonly signal: AbortSignal;
  /** Tell the manager this instance is ready (rolling restarts wait for it). */
  ready(): void;
  /** Send a message to the manager; false when there is no manager. */
  send(message: OutOf<I>): boolean;
  /** Receive messages the manager sends. */
  onMessage(handler: (message: InOf<I>) => void): void;
  /** Answer requests the manager sends with `manager.request()`; the answer is typed by `I['reply']`. */
  onRequest(handler: RequestHandler<InOf<I>, ReplyOf<I>>): void;
  /** Ask the manager (its `manager.onRequest` handler); rejects after `timeoutMs` (default 5 s). */
  request<TRes = unknown>(message: OutOf<I>, options?: { timeoutMs?: number }): Promise<TRes>;
}

/** Options of defineProcess. */
export interface DefineProcessOptions {
  /** Signals that abort ctx.signal; default SIGTERM and SIGINT. */
  stopSignals?: NodeJS.Signals[];
  /** After the manager disappears, exit even if main has not returned after this long; default from the manager or 5 s. */
  orphanExitMs?: number;
}

/**
 * Run `main` as a supervised process. Exits 0 when main resolves, 1 when it throws, and on its own when
 * the manager's IPC channel is lost (after ctx.signal aborts and at most `orphanExitMs`).
 */
export function defineProcess<I extends ProcessIpc = ProcessIpc>(
  main: (ctx: ProcessContext<I>) => void | Promise<void>,
  options: DefineProcessOptions = {},
): Promise<void> {
  const controller = new AbortController();
  const connected = () => typeof process.send === 'function' && process.connected;
  const post = (envelope: Envelope) => (connected() ? process.send!(envelope) : false);
  const rpc = new Rpc(post, 'the manager', childError);
  const messageHandlers: Array<(message: InOf<I>) => void> = [];
  const graceMs = options.orphanExitMs ?? (Number(process.env[ENV.stopTimeoutMs]) || 5_000);

  const stop = (reason: StopReason) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  process.on('message', (message: unknown) => {
    if (!isEnvelope(message)) return;
    if (rpc.receive(message)) return;
    if (message.ody === 'msg') for (const h of messageHandlers) h(message.data as InOf<I>);
  });
  process.on('disconnect', () => {
    stop('disconnect');
    // The manager is gone: nobody will SIGKILL us, so bound our own shutdown.
    setTimeout(() => process.exit(1), graceMs).unref();
  });
  for (const s of options.stopSignals ?? ['SIGTERM', 'SIGINT']) process.on(s, () => stop('signal'));

  const ctx: ProcessContext<I> = {
    name: process.env[ENV.name] ?? 'standalone',
    instance: Number(process.env[ENV.instance] ?? 0),
    signal: controller.signal,
    ready: () => void post({ ody: 'ready' }),
    send: (message) => post({ ody: 'msg', data: message }),
    onMessage: (handler) => void messageHandlers.push(handler),
    onRequest: (handler) => {
      rpc.handler = handler as unknown as RequestHandler;
    },
    request: (message, o) => rpc.request(message, o?.timeoutMs ?? 5_000),
  };

  return (async () => {
    let code = 0;
    try {
      await main(ctx);
    } catch (error) {
      code = 1;
      console.error(`[${ctx.name}#${ctx.instance}] main failed:`, error);
    }
    rpc.failAll(childError('ODY_PROCESS_EXITED', `Process '${ctx.name}#${ctx.instance}' is exiting; its pending requests are cancelled.`, { name: ctx.name, instance: ctx.instance }));
    process.exit(code);
  })();
}
export type { RequestHandler } from './ipc/rpc.js';
export { PROCESS_INSTRUMENTATION, type ProcessInstrumentation, processInstrumentation, setProcessInstrumentation } from './ipc/instrumentation.js';
