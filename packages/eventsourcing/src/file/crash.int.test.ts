import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../testing/api.js';
import { fileEventStore } from './store.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'ody-es-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ack {
  stream: string;
  version: number;
  batch: number;
  size: number;
}

function startWriter(tag: string, acks: Ack[]): Promise<ChildProcess> {
  const child = fork(join(fixtures, 'file-writer.ts'), [dir, tag, '6'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m: Ack | { ready: true }) => {
      if ('ready' in m) {
        if (process.env.ODY_DEBUG_CRASH) console.log('recovered torn bytes', (m as { tornBytes?: number }).tornBytes);
        resolve(child);
      } else acks.push(m);

    });
    child.once('exit', (code, signal) => reject(new Error(`writer ${tag} exited (${code ?? signal}) before it was ready`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('file store under SIGKILL', () => {
  it('every acknowledged append survives, no torn or partial append is readable, rounds continue', async () => {
    const acks: Ack[] = [];
    for (let round = 0; round < 4; round++) {
      const before = acks.length;
      const child = await startWriter(`w${round % 2}`, acks);
      // Kill at a different point each round, while appends are in flight.
      await until('the writer acknowledged appends', () => acks.length >= before + 150 + round * 97);
      await kill(child);
    }
    const store = await fileEventStore({ dir });
    try {
      const highest = new Map<string, number>();
      for (const a of acks) highest.set(a.stream, Math.max(highest.get(a.stream) ?? 0, a.version));
      for (const [stream, version] of highest) {
        const events = await store.read(stream);
        expect(events.length, `${stream} lost acknowledged events`).toBeGreaterThanOrEqual(version);
        // Positions are contiguous and every batch is whole: all or none of an append is there.
        expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i + 1));
        for (let i = 0; i < events.length; ) {
          const { size, i: index } = events[i]!.data as { size: number; i: number };
          expect(index).toBe(0);
          for (let k = 0; k < size; k++) expect((events[i + k]?.data as { i: number } | undefined)?.i, `${stream} has a partial append at ${i + 1}`).toBe(k);
          i += size;
        }
      }
      const all = await store.readAll();
      expect(all.map((e) => e.globalPosition)).toEqual(all.map((_, i) => i + 1));
      expect(all.length).toBeGreaterThanOrEqual(acks.reduce((n, a) => n + a.size, 0));
    } finally {
      await store.close();
    }
  }, 120_000);
});
