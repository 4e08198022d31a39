import { OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { childError } from './child-error.js';
import type { Envelope } from './protocol.js';
import { Rpc } from './rpc.js';

/** Two Rpc ends wired back to back, as a manager and a child would be over IPC. */
function pair() {
  const deliver = (to: () => Rpc) => (e: Envelope) => {
    setImmediate(() => to().receive(e));
    return true;
  };
  const a: Rpc = new Rpc(deliver(() => b), 'side b', childError);
  const b: Rpc = new Rpc(deliver(() => a), 'side a', childError);
  return { a, b };
}

describe('Rpc', () => {
  it('answers requests, carries remote errors, and times out', async () => {
    const { a, b } = pair();
    b.handler = async (req) => {
      if (req === 'boom') throw Object.assign(new TypeError('bad'), { code: 'E_BAD' });
      if (req === 'never') return new Promise(() => {});
      return { echo: req };
    };
    expect(await a.request('hi', 1_000)).toEqual({ echo: 'hi' });
    const failed = await a.request('boom', 1_000).catch((e: unknown) => e);
    expect(OdyError.is(failed, 'ODY_PROCESS_REQUEST_FAILED')).toBe(true);
    expect((failed as OdyError).details).toMatchObject({ remoteName: 'TypeError', remoteCode: 'E_BAD' });
    const late = await a.request('never', 30).catch((e: unknown) => e);
    expect(OdyError.is(late, 'ODY_PROCESS_REQUEST_TIMEOUT')).toBe(true);
  });

  it('rejects when nothing handles requests, or the channel is closed, and fails pending ones on exit', async () => {
    const { a } = pair();
    const unhandled = await a.request('x', 1_000).catch((e: unknown) => e);
    expect(OdyError.is(unhandled, 'ODY_PROCESS_REQUEST_FAILED')).toBe(true);
    expect((unhandled as OdyError).details).toMatchObject({ remoteCode: 'ODY_PROCESS_NO_HANDLER' });
    const closed = new Rpc(() => false, 'gone', childError);
    expect(OdyError.is(await closed.request('x', 1_000).catch((e: unknown) => e), 'ODY_PROCESS_NOT_CONNECTED')).toBe(true);
    const silent = new Rpc(() => true, 'silent', childError);
    const pending = silent.request('x', 10_000).catch((e: unknown) => e);
    silent.failAll(childError('ODY_PROCESS_EXITED', 'gone', {}));
    expect(OdyError.is(await pending, 'ODY_PROCESS_EXITED')).toBe(true);
  });
});
