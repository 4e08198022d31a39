import { createHash } from 'node:crypto';

/**
 * File names encode everything a claim needs so a directory listing sorts into processing order:
 * `PPPPPPP TTTTTTTTT SSSSSSS . key . offset . length . attemptsMade . stalls`
 * P = 999999 − priority (7 digits, so higher priorities sort first), T = order time (ms, base36),
 * S = sequence (base36). offset/length locate the record inside its batch file (all links of one
 * batch share an inode; one fsync covers the batch). Names are never reused: a state change that
 * alters counters changes the name.
 */
export interface JobName {
  priority: number;
  time: number;
  seq: number;
  key: string;
  offset: number;
  length: number;
  attemptsMade: number;
  stalls: number;
}

const NAME = /^(\d{7})([0-9a-z]{9})([0-9a-z]{7})\.([A-Za-z0-9_-]{1,64})\.([0-9a-z]+)\.([0-9a-z]+)\.(\d+)\.(\d+)$/;

/** Serialise a ready-state name. */
export function formatName(n: JobName): string {
  const p = String(999_999 - n.priority).padStart(7, '0');
  const t = n.time.toString(36).padStart(9, '0');
  const s = (n.seq % 78_364_164_096).toString(36).padStart(7, '0');
  return `${p}${t}${s}.${n.key}.${n.offset.toString(36)}.${n.length.toString(36)}.${n.attemptsMade}.${n.stalls}`;
}

/** Parse a ready-state name; undefined when it is not one of ours. */
export function parseName(name: string): JobName | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  return {
    priority: 999_999 - Number(m[1]),
    time: Number.parseInt(m[2]!, 36),
    seq: Number.parseInt(m[3]!, 36),
    key: m[4]!,
    offset: Number.parseInt(m[5]!, 36),
    length: Number.parseInt(m[6]!, 36),
    attemptsMade: Number(m[7]),
    stalls: Number(m[8]),
  };
}

/** Prefix a name with a time (delayed: due time; failed: failure time) so those directories sort by it. */
export function timePrefixed(time: number, name: string): string {
  return `${time.toString(36).padStart(9, '0')}_${name}`;
}

/** Split a time-prefixed name. */
export function splitTimePrefixed(name: string): { time: number; name: string } | undefined {
  if (name.length < 11 || name[9] !== '_') return undefined;
  const time = Number.parseInt(name.slice(0, 9), 36);
  return Number.isNaN(time) ? undefined : { time, name: name.slice(10) };
}

/** Leased names carry their lease expiry: `<name>~<expiry base36>`. */
export function leasedName(name: string, expiry: number): string {
  return `${name}~${expiry.toString(36)}`;
}

/** Split a leased name into the ready name and its expiry. */
export function splitLeased(name: string): { name: string; expiry: number } | undefined {
  const i = name.lastIndexOf('~');
  if (i < 0) return undefined;
  const expiry = Number.parseInt(name.slice(i + 1), 36);
  return Number.isNaN(expiry) ? undefined : { name: name.slice(0, i), expiry };
}

/** A file-safe key for a job id: the id itself when safe, else its sha1. */
export function keyOf(id: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : createHash('sha1').update(id).digest('hex');
}
