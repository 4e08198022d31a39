import { createEmitter, type Emitter } from '@ody/core';
import type { StatusPatch } from './status-store.js';
import type { CommandRecord } from './types.js';

/** Events of the async runtime: `status` fires after this process stored a state change of a command. */
export type CommandStatusEvents = {
  /** A command's record as stored after a transition (queued, running, succeeded, failed). */
  status: (record: CommandRecord) => void;
};

/** The emitter of status changes (`runtime.events`, `app.get(AsyncRuntime).events`). */
export type CommandStatusEmitter = Emitter<CommandStatusEvents>;

/** A new status emitter. */
export function createStatusEmitter(): CommandStatusEmitter {
  return createEmitter<CommandStatusEvents>({ source: 'cqrs command status' });
}

/**
 * Emit `stored` when the store applied `patch` (a refused patch returns the record unchanged, in
 * another state, e.g. a late `running` on a `succeeded` record): so listeners see only real changes.
 */
export function emitIfApplied(events: CommandStatusEmitter | undefined, stored: CommandRecord | undefined, patch: StatusPatch): void {
  if (events === undefined || stored === undefined || stored.state !== patch.state) return;
  events.emit('status', stored);
}

/** The WebSocket channel of one command's status changes: `<prefix><commandId>` (default prefix `command-`). */
export function commandChannel(commandId: string, prefix = 'command-'): string {
  return `${prefix}${commandId}`;
}
