import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { token } from '@ody/core';
import type { AsyncProjection } from '@ody/eventsourcing';

/** One sku on the read side, as GET /stock/:sku returns it. */
export interface StockLevel {
  sku: string;
  onHand: number;
  /** The last event of the sku's stream folded in (its stream position). */
  version: number;
}

/**
 * The stock read model: one JSON file per sku, written atomically (temp file + rename), so the API
 * process reads what the projection in the worker process writes. Swap it for your database.
 */
export class StockLevels {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get(sku: string): StockLevel | undefined {
    if (!/^[\w-]+$/.test(sku)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, `${sku}.json`), 'utf8')) as StockLevel;
    } catch {
      return undefined;
    }
  }

  put(level: StockLevel): void {
    const tmp = join(this.dir, `.${level.sku}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(level));
    renameSync(tmp, join(this.dir, `${level.sku}.json`));
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }
}

/** DI token of the stock read model. */
export const Stock = token<StockLevels>('{{name}}/Stock');

/**
 * The async projection that keeps StockLevels up to date. eventStorePlugin runs it after each append
 * (a checkpoint in the event store's folder says how far it got; after a crash it resumes there).
 * Delivery is at least once, so an event already folded in (by its stream position) is skipped.
 */
export function stockLevelsProjection(levels: StockLevels): AsyncProjection {
  return {
    name: 'stock-levels',
    filter: { types: ['StockReceived', 'StockShipped'] },
    handle(events) {
      for (const event of events) {
        const { sku, qty } = event.data as { sku: string; qty: number };
        const level = levels.get(sku) ?? { sku, onHand: 0, version: 0 };
        if (event.streamPosition <= level.version) continue;
        levels.put({ sku, onHand: level.onHand + (event.type === 'StockReceived' ? qty : -qty), version: event.streamPosition });
      }
    },
    reset: () => levels.clear(),
  };
}
