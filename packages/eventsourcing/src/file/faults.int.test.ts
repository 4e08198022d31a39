// Fault suite of the file event store (SIGKILLed writers: crash.int.test.ts): a disk that fills up under
// concurrent appends (a 1 MiB tmpfs, where root may mount one — skipped visibly otherwise) and garbage in the
// store's directory. An acknowledged append is never lost or partial after a reopen, a failed one is a
// typed error, and opening a damaged directory fails typed instead of hanging or crashing.
import { execFileSync, fork } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OdyError } from '@ody/core';
import { afterAll, describe, expect, it } from 'vitest';
import { mountTmpfs } from '../../../../test-support/tmpfs.js';
import { fileEventStore } from './store.js';

const disk = mountTmpfs('1m');
const scratch = mkdtempSync(join(tmpdir(), 'ody-es-faults-'));
afterAll(() => {
  disk?.unmount();
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(disk === undefined)('file event store on a full disk (1 MiB tmpfs)', () => {
  it('appends that fill the disk: every acknowledged one survives a reopen whole, the others fail typed', async () => {
    const dir = join(disk!.dir, 'store');
    const filler = join(disk!.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(256 * 1024));
    const store = await fileEventStore({ dir });
    const acked = new Map<string, number>(); // stream → highest acknowledged version
    const failures: unknown[] = [];
    const payload = 'x'.repeat(1_500);
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      const stream = `w${w}`;
      for (let batch = 0; failures.length === 0 || batch < 3; batch++) {
        const size = 1 + (batch % 3);
        const events = Array.from({ length: size }, (_, i) => ({ type: 'n', data: { batch, i, size, payload } }));
        try {
          const r = await store.append(stream, events);
          acked.set(stream, r.nextExpectedVersion);
        } catch (err) {
          failures.push(err);
          if (failures.length > 50) return;
        }
      }
    }));
    await store.close();
    expect(failures.length, 'the disk filled up').toBeGreaterThan(0);
    for (const f of failures) expect(OdyError.is(f, 'ODY_EVENTSOURCING_STORE_FAILED'), String(f)).toBe(true);
    expect(acked.size).toBeGreaterThan(0);

    rmSync(filler);
    const reopened = await fileEventStore({ dir });
    try {
      for (const [stream, version] of acked) {
        const events = await reopened.read(stream);
        expect(events.length, `${stream} lost acknowledged events`).toBeGreaterThanOrEqual(version);
        for (let i = 0; i < events.length; ) {
          const { size, i: index } = events[i]!.data as { size: number; i: number };
          expect(index, `${stream} has a partial append at ${i + 1}`).toBe(0);
          i += size;
        }
      }
      const all = await reopened.readAll();
      expect(all.map((e) => e.globalPosition)).toEqual(all.map((_, i) => i + 1));
      await expect(reopened.append('after', [{ type: 'n', data: 1 }])).resolves.toMatchObject({ nextExpectedVersion: 1 });
    } finally {
      await reopened.close();
    }
  }, 30_000);
});

/** Open `dir` in a child process: a blocking open cannot hang the runner, the outcome comes back over IPC. */
function openInChild(dir: string): Promise<{ ok: boolean; events?: number; code?: string; odyError?: string; message?: string }> {
  const fixtures = join(import.meta.dirname, '../fixtures');
  const child = fork(join(fixtures, 'file-open.ts'), [dir], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`opening ${dir} hung for 10 s`));
    }, 10_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as { ok: boolean });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the opening process exited (${code}) without a report`));
    });
  });
}

async function storeWith(name: string, events: number): Promise<string> {
  const dir = join(scratch, name);
  const store = await fileEventStore({ dir, segmentBytes: 600 });
  for (let i = 0; i < events; i++) await store.append('s', [{ type: 'n', data: { i, pad: 'p'.repeat(200) } }]);
  await store.close();
  return dir;
}

describe('file event store with garbage in its directory', () => {
  it('a FIFO or a directory named like a segment fails the open typed, never hangs', async () => {
    const fifo = await storeWith('fifo', 1);
    execFileSync('mkfifo', [join(fifo, 'segment-00000009.log')]);
    const dirSeg = await storeWith('dir-segment', 1);
    mkdirSync(join(dirSeg, 'segment-00000009.log'));
    for (const dir of [fifo, dirSeg]) {
      const r = await openInChild(dir);
      expect(r.ok, `${dir}: ${r.message}`).toBe(false);
      expect(r.code, `${dir}: ${r.message}`).toBe('ODY_EVENTSOURCING_CORRUPT');
    }
  });

  it('garbage at the end of the last segment is cut off; in an earlier segment it is ODY_EVENTSOURCING_CORRUPT', async () => {
    const torn = await storeWith('torn', 3);
    const segments = (dir: string) => execFileSync('ls', [dir]).toString().split('\n').filter((f) => f.startsWith('segment-')).sort();
    appendFileSync(join(torn, segments(torn).at(-1)!), Buffer.from('\x00\x00\x01\x00garbage that is no record'));
    expect(await openInChild(torn)).toMatchObject({ ok: true, events: 3 });

    const middle = await storeWith('middle', 6);
    expect(segments(middle).length).toBeGreaterThan(1);
    appendFileSync(join(middle, segments(middle)[0]!), Buffer.from('garbage'));
    expect(await openInChild(middle)).toMatchObject({ ok: false, code: 'ODY_EVENTSOURCING_CORRUPT' });
  });

  it('a LOCK held by a live process is ODY_EVENTSOURCING_STORE_LOCKED; a LOCK with garbage or a dead pid is taken over', async () => {
    const held = await storeWith('held', 1);
    writeFileSync(join(held, 'LOCK'), String(process.pid)); // this (live) runner holds it; the child may not open
    expect(await openInChild(held)).toMatchObject({ ok: false, code: 'ODY_EVENTSOURCING_STORE_LOCKED' });
    const garbage = await storeWith('garbage-lock', 1);
    writeFileSync(join(garbage, 'LOCK'), 'not a pid');
    expect(await openInChild(garbage)).toMatchObject({ ok: true, events: 1 });
  });
});
