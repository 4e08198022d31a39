import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ProjectionRunner } from '../projections/async.js';
import { MemoryCheckpointStore } from '../projections/checkpoints.js';
import { until } from '../testing/api.js';
import { fileEventStoreReader } from './reader.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'ody-es-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Another process owns the directory and appends `count` events (rolling segments); resolves when it exited 0. */
function appendFromAnotherProcess(count: number): Promise<void> {
  const child = fork(join(fixtures, 'file-appender.ts'), [dir, String(count)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`appender exited ${code}`)))));
}

it("wakes a projection on a file store reader when another process appends (fs.watch; its poll is an hour away)", async () => {
  const store = await fileEventStoreReader({ dir });
  const seen: number[] = [];
  const runner = new ProjectionRunner(
    { name: 'remote', handle: (events) => void seen.push(...events.map((e) => e.globalPosition)) },
    { store, checkpoints: new MemoryCheckpointStore(), pollMs: 3_600_000 },
  );
  try {
    runner.start();
    // A first event (by a first step or the watch), so the runner has read and gone idle before the rest.
    await appendFromAnotherProcess(1);
    await until('the first event projected', () => seen.length === 1, 20_000);
    await appendFromAnotherProcess(10);
    await until('projected without a poll', () => seen.length === 11, 20_000);
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  } finally {
    await runner.stop();
    await store.close();
  }
});
