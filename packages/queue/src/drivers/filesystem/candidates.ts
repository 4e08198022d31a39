const MAX_TAKEN = 65_536;

/** Names believed to be in ready/, kept sorted (processing order). Stale names are skipped at claim. */
export class Candidates {
  private items: string[] = [];
  private head = 0;
  private readonly members = new Set<string>();
  /** Names this process just claimed: their fs.watch events need no existence check. */
  private readonly taken = new Set<string>();

  get size(): number {
    return this.members.size;
  }

  has(name: string): boolean {
    return this.members.has(name);
  }

  add(name: string): void {
    if (this.members.has(name)) return;
    this.members.add(name);
    const items = this.items;
    if (items.length === this.head || items[items.length - 1]! < name) {
      items.push(name);
      return;
    }
    let lo = this.head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid]! < name) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, name);
  }

  delete(name: string): void {
    this.members.delete(name);
  }

  /** Next name in order (removed from the set). */
  shift(): string | undefined {
    while (this.head < this.items.length) {
      const name = this.items[this.head++]!;
      if (this.head > 4096 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (this.members.delete(name)) return name;
    }
    this.items = [];
    this.head = 0;
    return undefined;
  }

  /** Remember a name this process renamed away (claimed), until its fs.watch event arrives. */
  noteTaken(name: string): void {
    if (this.taken.size >= MAX_TAKEN) this.taken.clear(); // events were lost: forget, checks resume
    this.taken.add(name);
  }

  /** True (once) when the event is about a name this process claimed itself. */
  consumeTaken(name: string): boolean {
    return this.taken.delete(name);
  }

  /** Replace everything with a fresh listing. */
  reset(names: string[]): void {
    names.sort();
    this.items = names;
    this.head = 0;
    this.members.clear();
    for (const n of names) this.members.add(n);
  }
}
