import { setTimeout as sleep } from 'node:timers/promises';
import { CqrsError } from '../errors.js';
import { type CommandStatusStore, isFinished } from './status-store.js';
import type { CommandRecord } from './types.js';

/** Polling bounds for other processes' writes; this process's writes wake the waiter at once. */
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 250;
/** With a store whose watch() sees every process (Redis pub/sub), polling is only a safety net. */
const SHARED_WATCH_POLL_MS = 1000;

/**
 * Wait until a command is finished: woken by the store's watch, and polling (5 ms doubling to
 * 250 ms; 1 s with a `sharedWatch` store) for writes the watch cannot see. Throws
 * ODY_CQRS_WAIT_TIMEOUT or _COMMAND_NOT_FOUND.
 */
export async function waitForRecord(store: CommandStatusStore, id: string, timeoutMs: number): Promise<CommandRecord> {
  const deadline = Date.now() + timeoutMs;
  let wake: (() => void) | undefined;
  let latest: CommandRecord | undefined;
  const off = store.watch(id, (record) => {
    latest = record;
    wake?.();
  });
  try {
    await store.watchReady?.(id);
    const shared = store.sharedWatch === true;
    let poll = shared ? SHARED_WATCH_POLL_MS : FIRST_POLL_MS;
    for (;;) {
      const record = latest !== undefined && isFinished(latest.state) ? latest : await store.get(id);
      if (record === undefined) {
        throw new CqrsError('ODY_CQRS_COMMAND_NOT_FOUND', `No async command with id '${id}' is recorded (unknown, or pruned after retention).`, {
          details: { commandId: id },
        });
      }
      if (isFinished(record.state)) return record;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new CqrsError('ODY_CQRS_WAIT_TIMEOUT', `Command '${record.name}' (${id}) was still ${record.state} after ${timeoutMs} ms.`, {
          details: { commandId: id, state: record.state, timeoutMs },
        });
      }
      if (latest !== undefined && isFinished(latest.state)) continue;
      const ac = new AbortController();
      wake = () => ac.abort();
      await sleep(Math.min(poll, left), undefined, { signal: ac.signal }).catch(() => undefined);
      wake = undefined;
      if (!shared) poll = Math.min(poll * 2, MAX_POLL_MS);
    }
  } finally {
    off();
  }
}

/** The error wait() throws for a failed command: its recorded error, as an OdyError. */
export function failedCommandError(record: CommandRecord): CqrsError {
  const e = record.error;
  return new CqrsError('ODY_CQRS_COMMAND_FAILED', `Command '${record.name}' (${record.id}) failed after ${record.attempts} attempt(s): ${e?.message ?? 'unknown error'}`, {
    details: { commandId: record.id, name: record.name, attempts: record.attempts, error: e },
  });
}
