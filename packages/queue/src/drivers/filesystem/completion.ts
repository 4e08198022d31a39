import { createHash } from 'node:crypto';

/**
 * One record of completed.log: 15 hex digits of the SHA-1 of the delivery's leased name, and a newline.
 * 16 bytes divide a 4096-byte page, so an O_APPEND write of one record never straddles a page: on a full
 * disk it is written whole or refused (ENOSPC), never torn.
 */
export const COMPLETION_RECORD_BYTES = 16;

/** The completed.log record of one delivery (its leased name is unique). */
export function completionRecord(leasedName: string): Buffer {
  return Buffer.from(`${createHash('sha1').update(leasedName).digest('hex').slice(0, COMPLETION_RECORD_BYTES - 1)}\n`, 'latin1');
}
