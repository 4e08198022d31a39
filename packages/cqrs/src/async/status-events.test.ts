import { expect, it } from 'vitest';
import { MemoryStatusStore } from './memory-status-store.js';
import { commandChannel, createStatusEmitter, emitIfApplied } from './status-events.js';
import type { CommandRecord } from './types.js';

it('emits a stored transition, and nothing for a patch the store refused', async () => {
  const store = new MemoryStatusStore();
  const events = createStatusEmitter();
  const seen: string[] = [];
  events.on('status', (r) => seen.push(`${r.state}:${r.attempts}`));
  const base: CommandRecord = { id: 'c1', name: 'X', queue: 'q', state: 'queued', attempts: 0, correlationId: 'k', createdAt: 1, updatedAt: 1 };
  await store.create(base);
  for (const patch of [
    { state: 'running', attempts: 1 },
    { state: 'succeeded', attempts: 1, result: 7 },
    { state: 'running', attempts: 2 }, // a late redelivery: succeeded is final, so refused
  ] as const) {
    emitIfApplied(events, await store.update('c1', patch), patch);
  }
  expect(seen).toEqual(['running:1', 'succeeded:1']);
  emitIfApplied(events, undefined, { state: 'running' }); // unknown record: nothing
  expect(seen).toHaveLength(2);
  expect(commandChannel('c1')).toBe('command-c1');
  expect(commandChannel('c1', 'private-command-')).toBe('private-command-c1');
  await store.close();
});
