import { randomBytes } from 'node:crypto';

/** 96 random bits per process (16 base64url characters), so ids from different processes and hosts never meet. */
const PREFIX = randomBytes(12).toString('base64url');
let counter = 0;

/**
 * A job id unique across processes and hosts: this process's random prefix plus a counter.
 * Cheaper than a UUID per job (no random bytes, a short string) and as safe for uniqueness; only
 * meant to identify jobs, not to be unguessable. Characters are `A-Z a-z 0-9 _ -`.
 */
export function newJobId(): string {
  return PREFIX + (counter++).toString(36);
}
