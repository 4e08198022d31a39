/**
 * Message types of one supervised module, declared once and shared by both sides:
 * `defineProcess<MyIpc>(…)` in the child and `processDefinition<MyIpc>({…})` in the manager.
 * @example
 * type HeartbeatIpc = { in: { op: 'stats' }; out: { beat: number }; reply: { beats: number } };
 */
export interface ProcessIpc {
  /** What the manager sends: `send()` messages and `request()` bodies (the child's onMessage/onRequest). */
  in?: unknown;
  /** What the child sends: `ctx.send()` messages and `ctx.request()` bodies (the manager's 'message' event/onRequest). */
  out?: unknown;
  /** What the child's onRequest handler answers (what `manager.request()` resolves to). */
  reply?: unknown;
}

/** Messages the manager sends to a process with IPC types `I`. */
export type InOf<I extends ProcessIpc> = I extends { in: infer X } ? X : unknown;
/** Messages a process with IPC types `I` sends to the manager. */
export type OutOf<I extends ProcessIpc> = I extends { out: infer X } ? X : unknown;
/** What a process with IPC types `I` answers to a request. */
export type ReplyOf<I extends ProcessIpc> = I extends { reply: infer X } ? X : unknown;
