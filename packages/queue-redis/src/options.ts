import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { QueueError } from '@ody/queue';
import type { RetentionArgs } from './settle-batcher.js';

/** How many finished jobs a store keeps: at most `count` (Infinity: no cap) and none older than `ageMs`. */
export interface RetentionRule {
  count?: number;
  ageMs?: number;
}

/** Options of the Redis queue driver. */
export interface RedisDriverOptions {
  /** redis:// or rediss:// URL. Default `REDIS_URL`, else redis://127.0.0.1:6379. Ignored with `client`. */
  url?: string;
  /** Your own ioredis client (Redis or Cluster); the driver duplicates it for blocking reads and never quits it. */
  client?: Redis | Cluster;
  /** Extra ioredis options for connections the driver opens. */
  redis?: RedisOptions;
  /** Open (and own) a Redis Cluster client on these startup nodes instead of a single-node connection. */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /** Key prefix; keys are `<prefix>:{<queue>}:<role>`. Default 'ody'. */
  prefix?: string;
  /** Completed jobs kept in Redis (default `{ count: 0 }`: none, only the counter). */
  completed?: RetentionRule;
  /** Failed jobs kept in the failed store (default: all, no age limit; purge them with the failed store API). */
  failed?: RetentionRule;
  /**
   * Recovery lock (SET NX PX): after a recovery pass that found expired leases, passes by any worker
   * within this many ms are skipped, so many workers run one pass per interval. Default 0 (every call
   * runs; each pass is one atomic script anyway). queuePlugin sets it to leaseMs / 4.
   */
  recoverLockMs?: number;
  /** Expired leases handled per recovery pass. Default 1000. */
  recoverBatch?: number;
  /** Most job state changes sent in one script call. Default 500. */
  maxOpsPerCall?: number;
  /** Jobs per push script call in pushBulk (calls are pipelined). Default 500. */
  pushChunk?: number;
  /**
   * Claim the next jobs in the same script that acks finished ones (as many as finished), held locally
   * for the worker's next claim. Default true. Held jobs are leased: if the process dies they count a stall.
   */
  prefetch?: boolean;
  /** Prefetched jobs nobody claimed go back to ready after this many ms. Default 50. */
  prefetchHoldMs?: number;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  prefix: string;
  retention: RetentionArgs;
  recoverLockMs: number;
  recoverBatch: number;
  maxOpsPerCall: number;
  pushChunk: number;
  prefetch: boolean;
  prefetchHoldMs: number;
}

function int(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `Redis driver option ${name} must be an integer ≥ ${min}, got ${String(value)}.`, {
      details: { option: name, value },
    });
  }
  return value;
}

function keep(name: string, rule: RetentionRule | undefined, count: number): [number, number] {
  if (rule === undefined) return [count, 0];
  const c = rule.count === undefined || rule.count === Number.POSITIVE_INFINITY ? -1 : int(`${name}.count`, rule.count, 0, 0);
  return [c, int(`${name}.ageMs`, rule.ageMs, 0, 0)];
}

/** Validate options and fill defaults; throws ODY_QUEUE_OPTIONS_INVALID (the contract code) naming the bad option. */
export function resolveOptions(o: RedisDriverOptions): ResolvedOptions {
  const prefix = o.prefix ?? 'ody';
  if (typeof prefix !== 'string' || !/^[^{}\s]{1,64}$/.test(prefix)) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `Redis driver option prefix must be 1-64 characters without braces or spaces, got '${String(prefix)}'.`, {
      details: { option: 'prefix', value: prefix },
    });
  }
  const [doneKeep, doneAgeMs] = keep('completed', o.completed, 0);
  const [failKeep, failAgeMs] = keep('failed', o.failed, -1);
  return {
    prefix,
    retention: { doneKeep, doneAgeMs, failKeep, failAgeMs },
    recoverLockMs: int('recoverLockMs', o.recoverLockMs, 0, 0),
    recoverBatch: int('recoverBatch', o.recoverBatch, 1, 1000),
    maxOpsPerCall: int('maxOpsPerCall', o.maxOpsPerCall, 1, 500),
    pushChunk: int('pushChunk', o.pushChunk, 1, 500),
    prefetch: o.prefetch ?? true,
    prefetchHoldMs: int('prefetchHoldMs', o.prefetchHoldMs, 1, 50),
  };
}
