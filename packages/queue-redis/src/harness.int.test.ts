import { createConnection } from 'node:net';
import { expect, it } from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';

/** Sends one inline command over a raw socket and returns the first reply line. */
function send(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    sock.once('error', reject);
    sock.once('connect', () => sock.write(`${command}\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\r\n');
      const bulk = buf.startsWith('$') && !buf.startsWith('$-1');
      if (lines.length >= (bulk ? 3 : 2)) {
        sock.destroy();
        resolve(buf.startsWith('$-1') ? '(nil)' : bulk ? lines[1]! : lines[0]!);
      }
    });
  });
}

describeWithRedis('redis harness (AOF persistence)', (redis) => {
  it('keeps data across a SIGKILL restart on the same port', async () => {
    expect(redis.canRestart).toBe(true);
    const key = `${redis.prefix}:k`;
    expect(await send(redis.port, `SET ${key} v1`)).toBe('+OK');
    const before = redis.server?.pid();
    await redis.restart({ kill: true });
    expect(redis.server?.pid()).not.toBe(before);
    expect(await send(redis.port, `GET ${key}`)).toBe('v1');
  });
}, { persistence: 'aof', restartable: true });

describeWithRedis('redis harness (no persistence)', (redis) => {
  it('starts empty after a restart and serves on the same url', async () => {
    const url = redis.url;
    expect(await send(redis.port, `SET ${redis.prefix}:k v1`)).toBe('+OK');
    await redis.restart();
    expect(redis.url).toBe(url);
    expect(await send(redis.port, `GET ${redis.prefix}:k`)).toBe('(nil)');
  });
}, { restartable: true });
