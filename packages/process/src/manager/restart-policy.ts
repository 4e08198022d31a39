import { type Backoff, computeBackoffMs } from '@ody/core';
import type { ProcessRestartPolicy } from '../definition.js';

/** What the supervisor remembers between exits of one instance (kept immutable: each decision returns a new one). */
export interface RestartHistory {
  /** Consecutive failures, reset after a long enough run. */
  readonly streak: number;
  /** Epoch ms of the restarts inside the window, oldest first. */
  readonly recent: readonly number[];
}

/** A fresh history (a manual start or restart forgets the past). */
export const NO_RESTARTS: RestartHistory = Object.freeze({ streak: 0, recent: Object.freeze([]) });

/** Everything the restart decision depends on. */
export interface ExitFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  uptimeMs: number;
  now: number;
  /** stop() was called: the instance stays down. */
  stopRequested: boolean;
  /** The supervisor stopped it on purpose to start it again (memory limit): start it at once. */
  respawnRequested: boolean;
}

/** The rules of one definition. */
export interface RestartRules {
  restart: ProcessRestartPolicy;
  backoff: Backoff;
  /** The streak (and so the delay) starts over after this much uptime. */
  backoffResetAfterMs: number;
  maxRestarts: number;
  restartWindowMs: number;
}

/** What to do after an exit. */
export type RestartDecision =
  | { action: 'stopped' }
  | { action: 'respawn' }
  | { action: 'exited'; failed: boolean }
  | { action: 'errored' }
  | { action: 'restart'; delayMs: number };

/**
 * Decide what happens after an instance exited, and the history to keep. Pure: no clock, no timers.
 * The delay is core's Backoff for restart number `n` of the streak; `n` resets after `backoffResetAfterMs` of uptime;
 * more than `maxRestarts` restarts within `restartWindowMs` means 'errored'.
 */
export function decideRestart(facts: ExitFacts, rules: RestartRules, history: RestartHistory): { decision: RestartDecision; history: RestartHistory } {
  if (facts.stopRequested) return { decision: { action: 'stopped' }, history };
  if (facts.respawnRequested) return { decision: { action: 'respawn' }, history };
  const failed = facts.code !== 0 || facts.signal !== null;
  if (rules.restart === 'never' || (rules.restart === 'on-failure' && !failed)) return { decision: { action: 'exited', failed }, history };
  const streak = facts.uptimeMs >= rules.backoffResetAfterMs ? 0 : history.streak;
  const recent = history.recent.filter((at) => facts.now - at <= rules.restartWindowMs);
  if (recent.length >= rules.maxRestarts) return { decision: { action: 'errored' }, history: { streak, recent } };
  const next = streak + 1;
  return {
    decision: { action: 'restart', delayMs: computeBackoffMs(rules.backoff, next) },
    history: { streak: next, recent: [...recent, facts.now] },
  };
}
