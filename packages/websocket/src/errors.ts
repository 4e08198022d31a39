import { defineErrors } from '@ody/core';

const errors = defineErrors('websocket', {
  ODY_WS_MALFORMED_FRAME: { message: 'A client frame was not valid JSON or not a known message shape.' },
  ODY_WS_INVALID_CHANNEL: { message: 'A channel name is empty, too long or uses characters outside [A-Za-z0-9_\\-=@,.;:].' },
  ODY_WS_UNAUTHORIZED: { message: 'authenticate() rejected the upgrade (answered HTTP 401).' },
  ODY_WS_FORBIDDEN: { message: 'authorizeChannel() or the publish policy refused this channel for this user.' },
  ODY_WS_NOT_SUBSCRIBED: { message: 'The connection sent to a channel it has not subscribed to.' },
  ODY_WS_TOO_MANY_CHANNELS: { message: 'A subscribe would exceed maxChannelsPerConnection.' },
  ODY_WS_RATE_LIMITED: { message: 'The connection sent more messages than the rate limit allows; the message was dropped.' },
  ODY_WS_WHISPER_NOT_ALLOWED: { message: 'Whisper was sent on a public channel; only private- and presence- channels allow it.' },
  ODY_WS_INTERNAL: { message: 'A server hook threw while handling a client message; details are in the server log.' },
  ODY_WS_ACK_TIMEOUT: { message: 'Client side: the server did not acknowledge a message within the ack timeout.' },
  ODY_WS_NOT_CONNECTED: { message: 'Client side: the connection closed before the message was acknowledged, or the client was closed.' },
  ODY_WS_SERVER_STATE: { message: 'A server method was called in a state that does not allow it (listen twice, publish after close).' },
  ODY_WS_LISTEN_FAILED: { message: 'The standalone server could not listen on the requested host and port.' },
  ODY_WS_VERSION_UNSUPPORTED: { message: 'The upgrade asked for a WebSocket version other than 13 (answered HTTP 426 with Sec-WebSocket-Version: 13).' },
  ODY_WS_ADAPTER: { message: 'A cross-worker or cross-node adapter failed (Redis unreachable, bad relay message).' },
});

/** Codes raised by @ody/websocket (server and client), each with what it means. docs/errors.md is generated from this. */
export const errorCodes = errors.errorCodes;

/** A code raised by @ody/websocket. */
export type WebSocketErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/websocket. */
export class WebSocketError extends errors.Error {}
