import { compareCodePoints } from '../code-point-order.js';

/** The first index of `sorted` whose name sorts after `name`. */
function firstAfter(sorted: readonly string[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareCodePoints(sorted[middle] as string, name) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The names of the ledger's streams in code point order, grown as a scan of `$all` meets them.
 * Names arrive in log order; they are sorted in only when asked for, so a scan of many events
 * costs one sort and merge rather than one insertion each.
 */
export class StreamNameIndex {
  private sorted: readonly string[] = [];
  private readonly known = new Set<string>();
  private added: string[] = [];

  get size(): number {
    return this.known.size;
  }

  add(name: string): void {
    if (this.known.has(name)) return;
    this.known.add(name);
    this.added.push(name);
  }

  /** The names after `after` (all when null) in code point order, as known when first asked. */
  *namesAfter(after: string | null): Generator<string, void, undefined> {
    this.mergeAdded();
    // A merge while the caller iterates builds a new array: this one stays as it was.
    const sorted = this.sorted;
    for (let i = after === null ? 0 : firstAfter(sorted, after); i < sorted.length; i += 1) {
      yield sorted[i] as string;
    }
  }

  private mergeAdded(): void {
    if (this.added.length === 0) return;
    const added = this.added.sort(compareCodePoints);
    this.added = [];
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    while (i < this.sorted.length || j < added.length) {
      const next =
        j >= added.length ||
        (i < this.sorted.length &&
          compareCodePoints(this.sorted[i] as string, added[j] as string) < 0)
          ? (this.sorted[i++] as string)
          : (added[j++] as string);
      merged.push(next);
    }
    this.sorted = merged;
  }
}
