/**
 * The aggregate keys a parser has seen, each a tuple of text ids with an id of its own, in the
 * order they were first seen. A key is found by a hash of its tuple, probing the next hash values
 * on a collision, and checked id for id.
 */
export class KeyTable {
  /** The key to find or add: set its ids, then call `find`. */
  readonly tuple: Int32Array
  private tuples: Int32Array
  private count = 0
  private readonly byHash = new Map<number, number>()
  /** By key id: its hash in `byHash`, to forget it. */
  private readonly hashOf: number[] = []
  /** Where `find` last found no key: the hash `add` files the tuple under. */
  private freeHash = 0

  constructor(readonly width: number) {
    this.tuple = new Int32Array(width)
    this.tuples = new Int32Array(width * 1024)
  }

  get size(): number {
    return this.count
  }

  /** The id of `tuple`, or -1. */
  find(): number {
    const { tuple, width } = this
    let h = 0x9747b28c
    for (let i = 0; i < width; i++) h = Math.imul(h ^ (tuple[i] as number), 0x5bd1e995) ^ (h >>> 15)
    for (; ; h = (h + 1) | 0) {
      const id = this.byHash.get(h)
      if (id === undefined) {
        this.freeHash = h
        return -1
      }
      let i = 0
      while (i < width && this.tuples[id * width + i] === tuple[i]) i++
      if (i === width) return id
    }
  }

  /** Adds `tuple`, which `find` just did not find, and returns its id. */
  add(): number {
    const id = this.count++
    if (this.tuples.length < this.count * this.width) {
      const bigger = new Int32Array(this.tuples.length * 2)
      bigger.set(this.tuples)
      this.tuples = bigger
    }
    this.tuples.set(this.tuple, id * this.width)
    this.byHash.set(this.freeHash, id)
    this.hashOf[id] = this.freeHash
    return id
  }

  /**
   * Forgets the keys from id `size` on, those of a file that turned out broken. Deleting the
   * newest keys breaks no probe sequence: older keys never probed past them.
   */
  truncate(size: number): void {
    for (let id = size; id < this.count; id++) this.byHash.delete(this.hashOf[id] as number)
    this.count = size
  }
}
