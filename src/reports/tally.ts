/** A count per distinct key: the shape of every report. */
export interface Counted {
  readonly key: readonly string[]
  readonly count: number
}

/** Adds counts up by key; memory grows with distinct keys, never with the rows added. */
export class Tally {
  // JSON of the key array: unambiguous whatever characters the (attacker-controlled) values hold.
  private readonly counts = new Map<string, number>()

  add(key: readonly string[], count: number): void {
    const id = JSON.stringify(key)
    this.counts.set(id, (this.counts.get(id) ?? 0) + count)
  }

  get size(): number {
    return this.counts.size
  }

  /** Largest count first; ties by the key's values, ascending. */
  sorted(): Counted[] {
    return [...this.counts]
      .map(([id, count]) => ({ key: JSON.parse(id) as string[], count }))
      .sort(byCountThenKey)
  }
}

export function byCountThenKey(a: Counted, b: Counted): number {
  if (a.count !== b.count) return b.count - a.count
  for (let i = 0; i < a.key.length; i++) {
    const x = a.key[i] ?? ''
    const y = b.key[i] ?? ''
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}
