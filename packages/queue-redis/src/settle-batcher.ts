import type { ClaimedJob } from '@ody/queue';
import { toClaimed } from './envelope.js';
import { QueueRedisError } from './errors.js';
import { KEY_NAMES } from './keys.js';
import type { ScriptClient } from './scripts.js';

/** One state change of a leased job, queued for the next settle script. */
export interface SettleOp {
  kind: 'c' | 'r' | 'f' | 'e' | 'x';
  member: string;
  n1: string | number;
  n2: string | number;
  text: string;
  resolve: (ok: boolean) => void;
  reject: (err: unknown) => void;
}

interface ClaimRequest {
  max: number;
  leaseMs: number;
  resolve: (r: ClaimResult) => void;
  reject: (err: unknown) => void;
}

/** Jobs a claim got, and when the next delayed job is due (-1: none). */
export interface ClaimResult {
  jobs: ClaimedJob[];
  nextDue: number;
}

/** Retention limits passed to the settle script. */
export interface RetentionArgs {
  doneKeep: number;
  doneAgeMs: number;
  failKeep: number;
  failAgeMs: number;
}

/** Settings of a batcher. */
export interface BatcherOptions {
  maxOps: number;
  /** Claim the next jobs in the same script as acks (see Prefetch). */
  prefetch: boolean;
  /** Unclaimed prefetched jobs go back to ready after this many ms. */
  prefetchHoldMs: number;
  /** Counts the command connection's drops (a call in flight across a drop was re-sent by ioredis). */
  connectionDrops?: () => number;
}

const FINISHING = new Set<SettleOp['kind']>(['c', 'r', 'f']);
let tokenCounter = 0;

/**
 * Coalesces completes/retries/fails/extends and claims of one queue issued in the same tick into one
 * settle script call: N acks and the next claim cost one round trip.
 *
 * Prefetch: a worker claims again right after its acks resolve. So when a batch finishes k jobs and
 * this queue was claimed from recently, the same script also claims up to k jobs into a small local
 * buffer that the next claim takes without a round trip. Jobs nobody takes within prefetchHoldMs —
 * and all of them before counts/pause/close — are released to the front of ready (no stall counted).
 */
export class SettleBatcher {
  private ops: SettleOp[] = [];
  private claims: ClaimRequest[] = [];
  private scheduled = false;
  private buffer: { job: ClaimedJob; expires: number }[] = [];
  private bufferLeaseMs = 0;
  private holdTimer: NodeJS.Timeout | undefined;
  private lastClaim: { at: number; max: number; leaseMs: number } | undefined;

  constructor(
    private readonly client: ScriptClient,
    private readonly keys: string[],
    private readonly retention: RetentionArgs,
    private readonly instanceId: string,
    private readonly options: BatcherOptions,
  ) {}

  /** Queue one op; resolves with the script's verdict (false: lease no longer held). */
  op(kind: SettleOp['kind'], member: string, n1: string | number = '', n2: string | number = '', text = ''): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.ops.push({ kind, member, n1, n2, text, resolve, reject });
      this.schedule();
    });
  }

  /** Claim up to max jobs: from the prefetch buffer when it has some, else in the next settle call. */
  claim(max: number, leaseMs: number): Promise<ClaimResult> {
    this.lastClaim = { at: Date.now(), max, leaseMs };
    if (this.buffer.length > 0) {
      const now = Date.now();
      const fresh = leaseMs === this.bufferLeaseMs ? this.buffer.filter((b) => b.expires > now) : [];
      const taken = fresh.slice(0, max);
      const stale = this.buffer.filter((b) => !fresh.includes(b));
      this.buffer = this.buffer.filter((b) => !taken.includes(b));
      this.releaseAll(stale);
      if (taken.length > 0) return Promise.resolve({ jobs: taken.map((b) => b.job), nextDue: -1 });
    }
    return new Promise((resolve, reject) => {
      this.claims.push({ max, leaseMs, resolve, reject });
      this.schedule();
    });
  }

  /** Release every prefetched job now and wait until Redis has them back in ready. */
  async drain(): Promise<void> {
    const pending = this.releaseAll(this.buffer);
    await Promise.all(pending);
  }

  private releaseAll(entries: { job: ClaimedJob }[]): Promise<boolean>[] {
    const released = new Set(entries);
    this.buffer = this.buffer.filter((b) => !released.has(b));
    if (this.buffer.length === 0 && this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    }
    return entries.map((e) => this.op('x', `${e.job.id}|${e.job.lease}`).catch(() => false));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (this.ops.length > 0 || this.claims.length > 0) {
      const ops = this.ops.splice(0, this.options.maxOps);
      const claims = this.ops.length === 0 ? this.claims.splice(0) : [];
      void this.send(ops, claims);
    }
  }

  /** How many jobs to prefetch with a batch that has no claim of its own. */
  private prefetchFor(ops: SettleOp[]): number {
    const last = this.lastClaim;
    if (!this.options.prefetch || last === undefined || Date.now() - last.at > 1000) return 0;
    let finishing = 0;
    for (const o of ops) if (FINISHING.has(o.kind)) finishing++;
    return Math.min(finishing, last.max) - this.buffer.length;
  }

  private async send(ops: SettleOp[], claims: ClaimRequest[]): Promise<void> {
    const claimed = claims.reduce((n, c) => n + c.max, 0);
    let leaseMs = claims.reduce((m, c) => Math.max(m, c.leaseMs), 0);
    // Prefetch also rides along with a claim: a worker whose acks no longer block its next claim
    // sends ack + claim together, and the job after that one is then already local.
    const prefetch = Math.max(0, this.prefetchFor(ops));
    const max = claimed + prefetch;
    if (claims.length === 0 && prefetch > 0) leaseMs = this.lastClaim!.leaseMs;
    const tokenBase = `${this.instanceId}.${(tokenCounter++).toString(36)}.`;
    const r = this.retention;
    const args: (string | number)[] = [
      ...this.keys, Date.now(), leaseMs, max, tokenBase, r.doneKeep, r.doneAgeMs, r.failKeep, r.failAgeMs, ops.length,
    ];
    for (const o of ops) args.push(o.kind, o.member, o.n1, o.n2, o.text);
    let reply: unknown[];
    const drops = this.options.connectionDrops?.();
    try {
      reply = await this.client.odySettle(...args);
    } catch (err) {
      for (const o of ops) o.reject(err);
      for (const c of claims) c.reject(err);
      return;
    }
    const results = reply[0];
    if (!Array.isArray(results) || results.length !== ops.length) {
      const err = new QueueRedisError('ODY_QUEUE_REDIS_REPLY', `The settle script answered ${JSON.stringify(reply).slice(0, 200)}; expected ${ops.length} results.`);
      for (const o of ops) o.reject(err);
      for (const c of claims) c.reject(err);
      return;
    }
    const nextDue = Number(reply[1]);
    const jobs: ClaimedJob[] = [];
    for (let i = 2, k = 0; i < reply.length; i += 3, k++) {
      jobs.push(toClaimed(String(reply[i]), reply[i + 1] as string | null, reply[i + 2] as string | null, `${tokenBase}${2 * k + 1}`));
    }
    const ok = results.map((r) => r === 1);
    if (drops !== undefined && this.options.connectionDrops!() !== drops) {
      await this.recheckAcks(ops, ok);
      if (max > 0) await this.releaseOrphans(tokenBase, jobs);
    }
    // Fill the buffer before resolving the acks: the worker claims again as soon as they resolve.
    if (prefetch > 0 && jobs.length > claimed) this.hold(jobs.slice(claimed), leaseMs);
    for (let i = 0; i < ops.length; i++) ops[i]!.resolve(ok[i]!);
    let at = 0;
    for (const c of claims) {
      c.resolve({ jobs: jobs.slice(at, at + c.max), nextDue });
      at += c.max;
    }
  }

  /**
   * The connection dropped while this call was in flight, so ioredis may have re-sent it after the
   * reconnect, and a re-sent call answers 0 ("lease not held") for the acks the first one applied. A
   * complete that got 0 counts as done when the job is gone from Redis and not in the failed store
   * (its 'completed' event would be lost otherwise).
   */
  private async recheckAcks(ops: SettleOp[], ok: boolean[]): Promise<void> {
    const unsure = ops.flatMap((o, i) => (o.kind === 'c' && !ok[i] ? [i] : []));
    if (unsure.length === 0) return;
    const jobs = this.keys[KEY_NAMES.indexOf('jobs')]!;
    const failed = this.keys[KEY_NAMES.indexOf('failed')]!;
    const tx = this.client.multi();
    for (const i of unsure) {
      const id = ops[i]!.member.slice(0, ops[i]!.member.lastIndexOf('|'));
      tx.hexists(jobs, id).zscore(failed, id);
    }
    const replies = await tx.exec().catch(() => null);
    if (replies === null) return;
    unsure.forEach((i, k) => {
      const [[, exists], [, failedAt]] = [replies[2 * k]!, replies[2 * k + 1]!];
      if (exists === 0 && failedAt === null) ok[i] = true;
    });
  }

  /**
   * A claim re-sent after a dropped connection leased a second set of jobs under the same token base;
   * the first set (whose reply was lost) would sit in 'active' until its leases expire and then count a
   * stall. Put those back in ready now: every lease of this call that the reply did not hand out.
   */
  private async releaseOrphans(tokenBase: string, got: ClaimedJob[]): Promise<void> {
    const active = this.keys[KEY_NAMES.indexOf('active')]!;
    const ours = new Set(got.map((j) => `${j.id}|${j.lease}`));
    const orphans: string[] = [];
    try {
      let cursor = '0';
      do {
        const [next, flat] = await this.client.zscan(active, cursor, 'MATCH', `*|${tokenBase}*`, 'COUNT', 1000);
        for (let i = 0; i < flat.length; i += 2) if (!ours.has(flat[i]!)) orphans.push(flat[i]!);
        cursor = next;
      } while (cursor !== '0');
    } catch {
      return; // the leases expire and are recovered as before
    }
    for (const member of orphans) void this.op('x', member).catch(() => false);
  }

  private hold(jobs: ClaimedJob[], leaseMs: number): void {
    if (this.buffer.length > 0 && leaseMs !== this.bufferLeaseMs) this.releaseAll(this.buffer);
    const expires = Date.now() + leaseMs / 2;
    for (const job of jobs) this.buffer.push({ job, expires });
    this.bufferLeaseMs = leaseMs;
    if (this.holdTimer === undefined) {
      this.holdTimer = setTimeout(() => {
        this.holdTimer = undefined;
        this.releaseAll(this.buffer);
      }, this.options.prefetchHoldMs);
      this.holdTimer.unref();
    }
  }
}
