import type { Channel, Connection, SyncMessage } from 'rabbitmq-client';
import { readJob, type StoredJob } from './envelope.js';

/** What a scan does with one failed message: leave it, take it out (ack), or stop scanning. */
export type ScanAction = 'keep' | 'take' | 'stop';

/**
 * Walks a failed queue with basic.get on a private channel, oldest first. Taken messages are acked after
 * `visit` resolved (so a republish happens before the ack); kept ones go back in their original order
 * when the channel closes. Concurrent scans of one queue each see only what the others do not hold.
 */
export async function scanFailed(
  conn: Connection,
  queue: string,
  visit: (job: StoredJob, msg: SyncMessage) => ScanAction | Promise<ScanAction>,
): Promise<void> {
  const ch: Channel = await conn.acquire();
  try {
    for (;;) {
      const msg = await ch.basicGet({ queue });
      if (msg === undefined) break;
      const action = await visit(readJob(msg), msg);
      if (action === 'take') ch.basicAck({ deliveryTag: msg.deliveryTag });
      if (action === 'stop') break;
    }
  } finally {
    await ch.close().catch(() => undefined);
  }
}
