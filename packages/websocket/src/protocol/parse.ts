import { jsonDepthExceeds } from '@ody/core/portable';
import { WebSocketError } from '../errors.js';
import type { ClientMessage, MessageId } from './messages.js';
import { reservedEvents } from './messages.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const maxEventLength = 200;
/** Deepest array/object nesting a frame may have (the message object itself is level 1). */
const maxFrameDepth = 64;

/** A parse failure keeps the id when the frame had one, so the error frame can be correlated. */
export class FrameError extends WebSocketError {
  readonly messageId: MessageId | undefined;
  constructor(message: string, messageId?: MessageId) {
    super('ODY_WS_MALFORMED_FRAME', message);
    this.messageId = messageId;
  }
}

function idOf(value: Record<string, unknown>): MessageId | undefined {
  const id = value.id;
  if (id === undefined) return undefined;
  if ((typeof id === 'string' && id.length <= 64) || (typeof id === 'number' && Number.isFinite(id))) return id;
  throw new FrameError('"id" must be a string (≤ 64 chars) or a finite number');
}

function stringField(value: Record<string, unknown>, key: string, id: MessageId | undefined): string {
  const field = value[key];
  if (typeof field !== 'string' || field.length === 0) {
    throw new FrameError(`"${key}" must be a non-empty string in a "${String(value.type)}" message`, id);
  }
  return field;
}

function eventField(value: Record<string, unknown>, id: MessageId | undefined): string {
  const event = stringField(value, 'event', id);
  if (event.length > maxEventLength) throw new FrameError(`"event" is longer than ${maxEventLength} chars`, id);
  if (reservedEvents.has(event)) throw new FrameError(`"event" may not be the reserved name "${event}"`, id);
  return event;
}

/**
 * Parse one client frame (text or binary UTF-8 JSON). Throws FrameError (ODY_WS_MALFORMED_FRAME) on
 * anything that is not one of the documented messages, and on JSON nesting deeper than 64 levels.
 */
export function parseClientMessage(raw: ArrayBuffer | Uint8Array | string): ClientMessage {
  let value: unknown;
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : decoder.decode(raw);
    value = JSON.parse(text);
  } catch {
    throw new FrameError('frame is not valid UTF-8 JSON');
  }
  if (jsonDepthExceeds(text, maxFrameDepth)) throw new FrameError(`frame nests deeper than ${maxFrameDepth} levels`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError('frame must be a JSON object with a "type"');
  }
  const msg = value as Record<string, unknown>;
  const id = idOf(msg);
  switch (msg.type) {
    case 'ping':
      return { type: 'ping', id };
    case 'subscribe':
    case 'unsubscribe':
      return { type: msg.type, channel: stringField(msg, 'channel', id), id };
    case 'publish':
    case 'whisper':
      return { type: msg.type, channel: stringField(msg, 'channel', id), event: eventField(msg, id), data: msg.data, id };
    default:
      throw new FrameError(
        `unknown message type ${JSON.stringify(msg.type)}; expected subscribe, unsubscribe, publish, whisper or ping`,
        id,
      );
  }
}
