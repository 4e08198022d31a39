/** FIFO queues per priority, highest priority first. O(1) push/shift within a priority. */
export class ReadyList<T> {
  private readonly buckets = new Map<number, { items: T[]; head: number }>();
  /** Priorities with items, highest first. */
  private order: number[] = [];
  size = 0;

  push(priority: number, item: T): void {
    let bucket = this.buckets.get(priority);
    if (bucket === undefined) {
      bucket = { items: [], head: 0 };
      this.buckets.set(priority, bucket);
    }
    if (bucket.items.length === bucket.head) {
      bucket.items.length = 0;
      bucket.head = 0;
      this.insertPriority(priority);
    }
    bucket.items.push(item);
    this.size++;
  }

  shift(): T | undefined {
    while (this.order.length > 0) {
      const priority = this.order[0]!;
      const bucket = this.buckets.get(priority)!;
      if (bucket.head < bucket.items.length) {
        const item = bucket.items[bucket.head]!;
        bucket.items[bucket.head++] = undefined as T;
        this.size--;
        if (bucket.head === bucket.items.length) {
          bucket.items.length = 0;
          bucket.head = 0;
          this.order.shift();
        } else if (bucket.head > 1024 && bucket.head * 2 > bucket.items.length) {
          bucket.items = bucket.items.slice(bucket.head);
          bucket.head = 0;
        }
        return item;
      }
      this.order.shift();
    }
    return undefined;
  }

  /** The first (oldest pushed) item of each priority, for inspection (oldest waiting job). */
  heads(): T[] {
    const out: T[] = [];
    for (const bucket of this.buckets.values()) if (bucket.head < bucket.items.length) out.push(bucket.items[bucket.head]!);
    return out;
  }

  /** Remove items matching `predicate` (rare: purge/inspection paths). */
  removeWhere(predicate: (item: T) => boolean): void {
    for (const bucket of this.buckets.values()) {
      const live = bucket.items.slice(bucket.head);
      const kept = live.filter((i) => !predicate(i));
      this.size -= live.length - kept.length;
      bucket.items = kept;
      bucket.head = 0;
    }
    this.order = this.order.filter((p) => this.buckets.get(p)!.items.length > 0);
  }

  private insertPriority(priority: number): void {
    let i = 0;
    while (i < this.order.length && this.order[i]! > priority) i++;
    if (this.order[i] !== priority) this.order.splice(i, 0, priority);
  }
}
