import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { EventSourcingError } from '../errors.js';
import type { RecordedEvent, Snapshot } from '../store/types.js';

/** One durable record: an append (all its events), a soft delete, or a snapshot. */
export type LogRecord =
  | { readonly k: 'a'; readonly e: readonly RecordedEvent[] }
  | { readonly k: 'd'; readonly s: string; readonly v: number }
  | { readonly k: 's'; readonly snap: Snapshot };

/** Bytes before each record's body: [u32 body length][u32 crc32(body)]. */
export const HEADER = 8;

/**
 * Frame a record: [u32 body length][u32 crc32(body)][JSON body]. A record cut short by a crash, or
 * whose checksum fails, marks the torn tail: recovery stops there and truncates it. (The writer frames
 * whole batches the same way into one buffer.)
 */
export function encodeRecord(record: LogRecord): Buffer {
  const body = Buffer.from(JSON.stringify(record), 'utf8');
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, HEADER);
  return out;
}

/** Decode every whole, checksummed record; `validBytes` is where the first torn or damaged one starts. */
export function decodeRecords(buf: Buffer): { records: LogRecord[]; validBytes: number } {
  const records: LogRecord[] = [];
  let off = 0;
  while (off + HEADER <= buf.length) {
    const len = buf.readUInt32LE(off);
    const sum = buf.readUInt32LE(off + 4);
    if (off + HEADER + len > buf.length) break;
    const body = buf.subarray(off + HEADER, off + HEADER + len);
    if (crc32(body) !== sum) break;
    let parsed: LogRecord;
    try {
      parsed = JSON.parse(body.toString('utf8')) as LogRecord;
    } catch {
      break;
    }
    records.push(parsed);
    off += HEADER + len;
  }
  return { records, validBytes: off };
}

/** `segment-00000001.log` for 1. */
export function segmentName(n: number): string {
  return `segment-${String(n).padStart(8, '0')}.log`;
}

/** Segment numbers present in the directory, ascending. */
export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => /^segment-(\d{8})\.log$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * Read every segment; a torn tail in the last segment is truncated (and fsynced), damage in an
 * earlier one is ODY_EVENTSOURCING_CORRUPT (those were complete before the next segment began).
 */
export function recoverSegments(dir: string): { records: LogRecord[]; last: number; size: number; truncatedBytes: number } {
  const segments = listSegments(dir);
  const records: LogRecord[] = [];
  let size = 0;
  let truncatedBytes = 0;
  segments.forEach((n, i) => {
    const file = join(dir, segmentName(n));
    // A FIFO would block the synchronous read (and the event loop) forever; a directory throws EISDIR.
    if (!statSync(file).isFile()) {
      throw new EventSourcingError('ODY_EVENTSOURCING_CORRUPT', `Event store segment ${file} is not a regular file; move it out of the store directory.`, {
        details: { file },
      });
    }
    const buf = readFileSync(file);
    const decoded = decodeRecords(buf);
    records.push(...decoded.records);
    if (decoded.validBytes < buf.length) {
      if (i < segments.length - 1) {
        throw new EventSourcingError('ODY_EVENTSOURCING_CORRUPT', `Event store segment ${file} is damaged at byte ${decoded.validBytes} and is not the last segment; restore it from a backup.`, {
          details: { file, offset: decoded.validBytes },
        });
      }
      const fd = openSync(file, 'r+');
      try {
        ftruncateSync(fd, decoded.validBytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      truncatedBytes = buf.length - decoded.validBytes;
    }
    size = decoded.validBytes;
  });
  return { records, last: segments.at(-1) ?? 0, size, truncatedBytes };
}
