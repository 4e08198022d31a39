import type { ClaimedJob } from '@ody/queue';
import { toClaimed } from './envelope.js';
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
  resolve: (r: { jobs: ClaimedJob[]; nextDue: number }) => void;
  reject: (err: unknown) => void;
}

/** Retention limits passed to the settle script. */
export interface RetentionArgs {
  doneKeep: number;
  doneAgeMs: number;
  failKeep: number;
  failAgeMs: number;
}

let tokenCounter = 0;

/**
 * Coalesces completes/retries/fails/extends and claims of one queue issued in the same tick into one
 * settle script call: N acks and the next claim cost one round trip.
 */
export class SettleBatcher {
  private ops: SettleOp[] = [];
  private claims: ClaimRequest[] = [];
  private scheduled = false;

  constructor(
    private readonly client: ScriptClient,
    private readonly keys: string[],
    private readonly retention: RetentionArgs,
    private readonly instanceId: string,
    private readonly maxOps: number,
  ) {}

  /** Queue one op; resolves with the script's verdict (false: lease no longer held). */
  op(kind: SettleOp['kind'], member: string, n1: string | number = '', n2: string | number = '', text = ''): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.ops.push({ kind, member, n1, n2, text, resolve, reject });
      this.schedule();
    });
  }

  /** Claim up to max jobs in the next settle call. */
  claim(max: number, leaseMs: number): Promise<{ jobs: ClaimedJob[]; nextDue: number }> {
    return new Promise((resolve, reject) => {
      this.claims.push({ max, leaseMs, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (this.ops.length > 0 || this.claims.length > 0) {
      const ops = this.ops.splice(0, this.maxOps);
      const claims = this.ops.length === 0 ? this.claims.splice(0) : [];
      void this.send(ops, claims);
    }
  }

  private async send(ops: SettleOp[], claims: ClaimRequest[]): Promise<void> {
    const max = claims.reduce((n, c) => n + c.max, 0);
    const leaseMs = claims.reduce((m, c) => Math.max(m, c.leaseMs), 0);
    const tokenBase = `${this.instanceId}.${(tokenCounter++).toString(36)}.`;
    const r = this.retention;
    const args: (string | number)[] = [
      ...this.keys, Date.now(), leaseMs, max, tokenBase, r.doneKeep, r.doneAgeMs, r.failKeep, r.failAgeMs, ops.length,
    ];
    for (const o of ops) args.push(o.kind, o.member, o.n1, o.n2, o.text);
    let reply: unknown[];
    try {
      reply = await this.client.odySettle(...args);
    } catch (err) {
      for (const o of ops) o.reject(err);
      for (const c of claims) c.reject(err);
      return;
    }
    const results = reply[0] as number[];
    for (let i = 0; i < ops.length; i++) ops[i]!.resolve(results[i] === 1);
    const nextDue = Number(reply[1]);
    const jobs: ClaimedJob[] = [];
    for (let i = 2, k = 0; i < reply.length; i += 3, k++) {
      const id = reply[i] as string;
      jobs.push(toClaimed(id, reply[i + 1] as string | null, reply[i + 2] as string | null, `${tokenBase}${2 * k + 1}`));
    }
    if (claims.length === 1) {
      claims[0]!.resolve({ jobs, nextDue });
      return;
    }
    let at = 0;
    for (const c of claims) {
      c.resolve({ jobs: jobs.slice(at, at + c.max), nextDue });
      at += c.max;
    }
  }
}
