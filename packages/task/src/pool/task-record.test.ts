import { describe, expect, it } from 'vitest';
import { TaskRecord, TaskState } from './task-record.js';

function record(signal?: AbortSignal) {
  const outcomes: string[] = [];
  const rec = new TaskRecord(1, 't', null, 0, 60_000, signal, undefined, undefined, (v) => outcomes.push(`ok ${v}`), (e) => outcomes.push(`err ${e}`));
  return { rec, outcomes };
}

describe('TaskRecord', () => {
  it('settle() is idempotent: the first outcome wins, later calls do nothing', () => {
    const { rec, outcomes } = record();
    expect(rec.settle(true, 1)).toBe(true);
    expect(rec.settle(false, 'late')).toBe(false);
    expect(outcomes).toEqual(['ok 1']);
    expect(rec.state).toBe(TaskState.Settled);
  });

  it('settle() releases the abort listener: aborting afterwards calls nothing', () => {
    const controller = new AbortController();
    const { rec } = record(controller.signal);
    let aborts = 0;
    rec.listenForAbort(() => aborts++);
    rec.settle(true, 1);
    controller.abort();
    expect(aborts).toBe(0);
  });

  it('moves queued → running → waiting → queued → settled', () => {
    const { rec } = record();
    expect(rec.state).toBe(TaskState.Queued);
    rec.running({} as never, () => {});
    expect(rec.state).toBe(TaskState.Running);
    rec.wait(60_000, () => {});
    expect(rec.state).toBe(TaskState.Waiting);
    rec.queued();
    expect(rec.state).toBe(TaskState.Queued);
    rec.settle(false, 'x');
    expect(rec.state).toBe(TaskState.Settled);
  });
});
