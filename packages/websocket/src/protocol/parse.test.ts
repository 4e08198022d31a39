import { OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { assertChannelName, channelKind } from './channels.js';
import { parseClientMessage } from './parse.js';

describe('parseClientMessage', () => {
  it('parses every documented message from text and bytes', () => {
    expect(parseClientMessage('{"type":"ping","id":1}')).toEqual({ type: 'ping', id: 1 });
    expect(parseClientMessage(new TextEncoder().encode('{"type":"subscribe","channel":"news","id":"a"}'))).toEqual({
      type: 'subscribe',
      channel: 'news',
      id: 'a',
    });
    expect(parseClientMessage('{"type":"whisper","channel":"private-x","event":"typing","data":[1]}')).toEqual({
      type: 'whisper',
      channel: 'private-x',
      event: 'typing',
      data: [1],
      id: undefined,
    });
  });

  it('rejects anything else with ODY_WS_MALFORMED_FRAME, keeping the id when there is one', () => {
    for (const bad of ['', 'null', '[1]', '{"type":1}', '{"type":"publish","channel":"a"}', '{"type":"ping","id":[1]}']) {
      expect(() => parseClientMessage(bad)).toThrow(expect.objectContaining({ code: 'ODY_WS_MALFORMED_FRAME' }));
    }
    try {
      parseClientMessage('{"type":"publish","channel":"a","event":"ack","id":9}');
      expect.unreachable();
    } catch (err) {
      expect(OdyError.is(err, 'ODY_WS_MALFORMED_FRAME')).toBe(true);
      expect((err as { messageId?: unknown }).messageId).toBe(9);
    }
  });
});

describe('channels', () => {
  it('derives the kind from the prefix and validates names', () => {
    expect(channelKind('news')).toBe('public');
    expect(channelKind('private-a')).toBe('private');
    expect(channelKind('presence-a')).toBe('presence');
    expect(() => assertChannelName('ok-name_1:2')).not.toThrow();
    for (const bad of ['', 'has space', 'x'.repeat(165), 'new\nline']) {
      expect(() => assertChannelName(bad)).toThrow(expect.objectContaining({ code: 'ODY_WS_INVALID_CHANNEL' }));
    }
  });
});
