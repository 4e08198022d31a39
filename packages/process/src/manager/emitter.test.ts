import { describe, expect, it } from 'vitest';
import { createProcessManager } from '../index.js';

describe('ProcessManager events', () => {
  it('a throwing listener is logged with the event name; later listeners still run; on() returns an unsubscribe function', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logger = { error: (fields: Record<string, unknown>) => logged.push(fields), warn: () => {}, info: () => {}, debug: () => {} } as never;
    const pm = createProcessManager({ logger, processes: [{ name: 'sleeper', command: 'sleep', args: ['30'], orphanGuard: false, output: { logger: false } }] });
    const seen: string[] = [];
    pm.on('ready', () => {
      throw new Error('listener bug');
    });
    const off = pm.on('ready', (e) => seen.push(e.name));
    await pm.start();
    expect(seen).toEqual(['sleeper']);
    expect(logged).toMatchObject([{ event: 'ready' }]);
    off();
    await pm.restart('sleeper');
    expect(seen).toEqual(['sleeper']);
    await pm.close();
  });
});
