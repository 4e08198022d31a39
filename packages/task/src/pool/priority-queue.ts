/** An item that can be cancelled while queued (skipped lazily when it reaches the head). */
export interface Queueable {
  priority: number;
  cancelled: boolean;
}

/** FIFO with an O(1) shift: an array and a head index, compacted when half consumed. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}

/** Tasks by priority (higher first), FIFO within a priority. `size` counts live (not cancelled) items. */
export class PriorityQueue<T extends Queueable> {
  private readonly levels = new Map<number, Fifo<T>>();
  /** Priorities present, highest first. */
  private order: number[] = [];
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(item: T): void {
    this.levelOf(item.priority).push(item);
    this.live++;
  }

  /** Put an item back at the head of its priority (a task re-queued after its thread died). */
  pushFront(item: T): void {
    this.levelOf(item.priority).unshift(item);
    this.live++;
  }

  /** Mark an item cancelled; it no longer counts and is dropped when reached. */
  cancel(item: T): void {
    if (item.cancelled) return;
    item.cancelled = true;
    this.live--;
  }

  peek(): T | undefined {
    for (const p of this.order) {
      const fifo = this.levels.get(p)!;
      let head = fifo.peek();
      while (head?.cancelled) {
        fifo.shift();
        head = fifo.peek();
      }
      if (head !== undefined) return head;
    }
    return undefined;
  }

  shift(): T | undefined {
    const head = this.peek();
    if (head === undefined) return undefined;
    this.levels.get(head.priority)!.shift();
    this.live--;
    return head;
  }

  /** Remove and return every live item (shutdown). */
  drain(): T[] {
    const all: T[] = [];
    for (const p of this.order) for (const item of this.levels.get(p)!.drain()) if (!item.cancelled) all.push(item);
    this.live = 0;
    return all;
  }

  private levelOf(priority: number): Fifo<T> {
    let fifo = this.levels.get(priority);
    if (fifo === undefined) {
      fifo = new Fifo<T>();
      this.levels.set(priority, fifo);
      this.order = [...this.levels.keys()].sort((a, b) => b - a);
    }
    return fifo;
  }
}
