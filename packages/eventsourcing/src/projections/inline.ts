import { EventSourcingError } from '../errors.js';
import type { RecordedEvent } from '../store/types.js';
import { matches } from '../store/validate.js';

/**
 * A projection run inside the append: on PostgreSQL in the same transaction (`tx` is the pg client),
 * on the memory and file stores before the events commit. If it throws, the append fails.
 */
export interface InlineProjection<Tx = unknown> {
  readonly name: string;
  /** Only events of these types reach `apply` (default: all). */
  readonly types?: readonly string[];
  apply(events: readonly RecordedEvent[], tx: Tx): void | Promise<void>;
}

/** Define an inline projection (typing helper). */
export function inlineProjection<Tx = unknown>(projection: InlineProjection<Tx>): InlineProjection<Tx> {
  return projection;
}

/** Run each inline projection over the events it handles; a throw becomes ODY_EVENTSOURCING_PROJECTION_FAILED. */
export async function runInline<Tx>(projections: readonly InlineProjection<Tx>[], events: readonly RecordedEvent[], tx: Tx): Promise<void> {
  for (const p of projections) {
    const mine = p.types === undefined ? events : events.filter((e) => matches({ types: p.types }, e));
    if (mine.length === 0) continue;
    try {
      await p.apply(mine, tx);
    } catch (error) {
      throw new EventSourcingError(
        'ODY_EVENTSOURCING_PROJECTION_FAILED',
        `Inline projection '${p.name}' failed on ${mine[0]!.type} in '${mine[0]!.stream}', so the append was not committed: ${(error as Error)?.message ?? String(error)}`,
        { cause: error, details: { projection: p.name, stream: mine[0]!.stream } },
      );
    }
  }
}
