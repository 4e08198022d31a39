import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { currentContext, runInContext } from './context.js';
import { createLogger } from './logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { lines, destination };
}

describe('execution context', () => {
  it('is undefined outside, and flows through awaits inside', async () => {
    expect(currentContext()).toBeUndefined();
    await runInContext({ correlationId: 'c-1' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(currentContext()?.correlationId).toBe('c-1');
    });
  });

  it('generates a correlation id, inherits it in nested contexts and adds causation', () => {
    runInContext({}, () => {
      const outer = currentContext()!.correlationId;
      expect(outer).toMatch(/^[0-9a-f-]{36}$/);
      runInContext({ causationId: 'cmd-1' }, () => {
        expect(currentContext()).toMatchObject({ correlationId: outer, causationId: 'cmd-1' });
      });
    });
  });

  it('pino lines carry the correlation and causation ids automatically', async () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination });
    log.info('outside');
    runInContext({ correlationId: 'req-9', causationId: 'cmd-3' }, () => log.child({ plugin: 'x' }).info('inside'));
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).not.toHaveProperty('correlationId');
    expect(lines[1]).toMatchObject({ msg: 'inside', plugin: 'x', correlationId: 'req-9', causationId: 'cmd-3' });
  });
});
