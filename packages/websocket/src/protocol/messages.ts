/** The JSON protocol spoken between @ody/websocket servers and clients (documented in README.md). */

/** A message id chosen by the client; echoed in the ack or error frame. */
export type MessageId = string | number;

/** Messages a client sends. Every one may carry an `id` and then gets an ack or an error frame. */
export type ClientMessage =
  | { type: 'subscribe'; channel: string; id?: MessageId }
  | { type: 'unsubscribe'; channel: string; id?: MessageId }
  | { type: 'publish'; channel: string; event: string; data?: unknown; id?: MessageId }
  | { type: 'whisper'; channel: string; event: string; data?: unknown; id?: MessageId }
  | { type: 'ping'; id?: MessageId };

/** A presence member: the user's id plus public info chosen by the server. */
export interface Member {
  id: string;
  info?: unknown;
}

/** Frames the server sends. Channel events carry `channel`; control frames do not. */
export type ServerFrame =
  | { event: 'connected'; data: { connectionId: string } }
  | { event: 'ack'; id: MessageId; data?: unknown }
  | { event: 'error'; id?: MessageId; code: string; message: string; channel?: string }
  | { event: 'subscribed'; channel: string; data: { members?: Member[] } }
  | { event: 'member_added' | 'member_removed'; channel: string; data: Member }
  | { event: string; channel: string; data?: unknown; from?: string };

/** Events the server itself emits; clients may not publish or whisper them. */
export const reservedEvents: ReadonlySet<string> = new Set([
  'connected',
  'ack',
  'error',
  'subscribed',
  'member_added',
  'member_removed',
  'pong',
]);

/** Prefix the server puts on whispered event names so receivers can tell them from server events. */
export const whisperPrefix = 'client-';
