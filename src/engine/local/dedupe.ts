const INITIAL_CAPACITY = 1 << 16
/** Past this load the table doubles: linear probing stays short up to about 3/4 full. */
const MAX_LOAD = 0.75

/**
 * The set of events already counted, for `dedupe`: each one a 64-bit hash of its aggregate key
 * and its `eventID`, made by the parser, in an open-addressing table of two `Uint32Array` words
 * per slot. No string is kept: 8 bytes a slot at a load between 3/8 and 3/4 is 11 to 22 bytes
 * per distinct event (32 for the moment a resize holds both tables).
 *
 * Two different events collide when their hashes are equal; with n distinct events the chance
 * that any pair does is about n² / 2⁶⁵: one in 37 million for a million events, one in 3,700 for
 * a hundred million. A collision makes one event look like a duplicate, so a count is one low.
 */
export class EventIdSet {
  private table = new Uint32Array(INITIAL_CAPACITY * 2)
  private mask = INITIAL_CAPACITY - 1
  private count = 0

  get size(): number {
    return this.count
  }

  /** The table's bytes, for the memory report. */
  get bytes(): number {
    return this.table.byteLength
  }

  /** Adds the hash; true when it was not in the set yet. */
  add(high: number, low: number): boolean {
    // (0, 0) marks an empty slot; the one hash equal to it shares a slot with (0, 1).
    const lowWord = (high | low) === 0 ? 1 : low >>> 0
    const highWord = high >>> 0
    const table = this.table
    for (let slot = lowWord & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = table[slot * 2] as number
      const l = table[slot * 2 + 1] as number
      if (h === highWord && l === lowWord) return false
      if ((h | l) === 0) {
        table[slot * 2] = highWord
        table[slot * 2 + 1] = lowWord
        if (++this.count > (this.mask + 1) * MAX_LOAD) this.grow()
        return true
      }
    }
  }

  private grow(): void {
    const old = this.table
    const capacity = (this.mask + 1) * 2
    this.table = new Uint32Array(capacity * 2)
    this.mask = capacity - 1
    for (let i = 0; i < old.length; i += 2) {
      const h = old[i] as number
      const l = old[i + 1] as number
      if ((h | l) === 0) continue
      let slot = l & this.mask
      while (((this.table[slot * 2] as number) | (this.table[slot * 2 + 1] as number)) !== 0) {
        slot = (slot + 1) & this.mask
      }
      this.table[slot * 2] = h
      this.table[slot * 2 + 1] = l
    }
  }
}
