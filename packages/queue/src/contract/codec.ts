import { QueueError } from '../errors.js';
import type { Encoded } from './job.js';

/** Turns payloads into bytes a driver stores and back. Must be deterministic and side-effect free. */
export interface Codec {
  readonly name: string;
  encode(value: unknown): Encoded;
  decode(data: Encoded): unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The default codec: JSON text. `undefined` payloads become `null`. */
export const jsonCodec: Codec = {
  name: 'json',
  encode(value) {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  },
  decode(data) {
    return JSON.parse(typeof data === 'string' ? data : decoder.decode(data));
  },
};

/** Byte length of an encoded payload. */
export function encodedSize(data: Encoded): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** Encode with `codec`, enforcing `maxBytes`; throws a typed QueueError on either failure. */
export function encodePayload(codec: Codec, value: unknown, maxBytes: number, queue: string): Encoded {
  let data: Encoded;
  try {
    data = codec.encode(value);
  } catch (cause) {
    throw new QueueError(
      'ODY_QUEUE_PAYLOAD_INVALID',
      `Queue '${queue}': codec '${codec.name}' could not encode the payload (${(cause as Error).message}). Pass plain data.`,
      { cause, details: { queue, codec: codec.name } },
    );
  }
  // A UTF-16 string of n units is at most 3n UTF-8 bytes: skip the exact count when it cannot exceed.
  const size = typeof data === 'string' && data.length * 3 <= maxBytes ? data.length : encodedSize(data);
  if (size > maxBytes) {
    throw new QueueError(
      'ODY_QUEUE_PAYLOAD_TOO_LARGE',
      `Queue '${queue}': payload is ${size} bytes, over the limit of ${maxBytes}. Store large data elsewhere and push a reference, or raise maxPayloadBytes.`,
      { details: { queue, size, maxBytes } },
    );
  }
  return data;
}
