import type { CommandRecord } from '@ody/cqrs';
import { expect, it } from 'vitest';
import { RecentCommands } from './snapshot.js';

const rec = (id: string, state: CommandRecord['state'], updatedAt: number): CommandRecord => ({
  id, name: 'X', queue: 'q', state, attempts: 1, correlationId: 'c', createdAt: 0, updatedAt,
});

it('keeps the newest commands, newest first, counts by state, and ignores a late older record', () => {
  const recent = new RecentCommands(2);
  recent.add(rec('a', 'queued', 1));
  recent.add(rec('b', 'queued', 2));
  recent.add(rec('a', 'succeeded', 3));
  recent.add(rec('a', 'running', 2)); // arrived late: older than what is kept
  expect(recent.view().recent.map((r) => [r.id, r.state])).toEqual([['a', 'succeeded'], ['b', 'queued']]);
  recent.add(rec('c', 'failed', 4)); // over the limit: the least recently changed ('b') goes
  const view = recent.view();
  expect(view.recent.map((r) => r.id)).toEqual(['c', 'a']);
  expect(view.counts).toEqual({ queued: 0, running: 0, succeeded: 1, failed: 1 });
});
