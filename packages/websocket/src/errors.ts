import { OdyError, type OdyErrorOptions } from '@ody/core';

/** Codes raised by @ody/websocket (server and client), each with what it means. docs/errors.md mirrors this. */
export const errorCodes = {
  ODY_WS_MALFORMED_FRAME: 'A client frame was not valid JSON or not a known message shape.',
  ODY_WS_INVALID_CHANNEL: 'A channel name is empty, too long or uses characters outside [A-Za-z0-9_\\-=@,.;:].',
  ODY_WS_UNAUTHORIZED: 'authenticate() rejected the upgrade (answered HTTP 401).',
  ODY_WS_FORBIDDEN: 'authorizeChannel() or the publish policy refused this channel for this user.',
  ODY_WS_NOT_SUBSCRIBED: 'The connection sent to a channel it has not subscribed to.',
  ODY_WS_TOO_MANY_CHANNELS: 'A subscribe would exceed maxChannelsPerConnection.',
  ODY_WS_RATE_LIMITED: 'The connection sent more messages than the rate limit allows; the message was dropped.',
  ODY_WS_WHISPER_NOT_ALLOWED: 'Whisper was sent on a public channel; only private- and presence- channels allow it.',
  ODY_WS_INTERNAL: 'A server hook threw while handling a client message; details are in the server log.',
  ODY_WS_ACK_TIMEOUT: 'Client side: the server did not acknowledge a message within the ack timeout.',
  ODY_WS_NOT_CONNECTED: 'Client side: the connection closed before the message was acknowledged, or the client was closed.',
  ODY_WS_SERVER_STATE: 'A server method was called in a state that does not allow it (listen twice, publish after close).',
  ODY_WS_LISTEN_FAILED: 'The standalone server could not listen on the requested host and port.',
  ODY_WS_VERSION_UNSUPPORTED: 'The upgrade asked for a WebSocket version other than 13 (answered HTTP 426 with Sec-WebSocket-Version: 13).',
  ODY_WS_ADAPTER: 'A cross-worker or cross-node adapter failed (Redis unreachable, bad relay message).',
} as const;

/** A code raised by @ody/websocket. */
export type WebSocketErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/websocket. */
export class WebSocketError extends OdyError {
  declare readonly code: WebSocketErrorCode;
  constructor(code: WebSocketErrorCode, message: string, options?: OdyErrorOptions) {
    super(code, message, options);
  }
}
