/** A field a parser captures, by its path of keys from the record: `['userIdentity', 'arn']`. */
export type FieldPath = readonly string[]

/** The shape of an object whose keys do not matter: they are only validated. */
export const IGNORED = 0
/** The shape of the objects the paths start from (the records). */
export const ROOT = 1

/**
 * The objects whose keys matter, built from the paths of the captured fields: the root and, for
 * each key a path goes through, the shape of its value. Each key of a shape is an entry, which
 * gives the slot its value is captured in (the path's index in the list), or the shape its value
 * has when it is an object, or both (a path that is a prefix of another captures the object's
 * JSON text and fields inside it).
 */
export class Shapes {
  /** By entry: the key, UTF-8. */
  readonly names: Uint8Array[] = []
  /** By entry: the slot its value is captured in, or -1. */
  readonly slotOf: number[] = []
  /** By entry: the shape of its value when it is an object, or `IGNORED`. */
  readonly shapeOf: number[] = []
  /** By shape: every slot at or under its keys, cleared when a key of that shape comes again. */
  readonly slotsUnder: number[][] = [[], []]
  /** By shape: its entries by key. */
  private readonly keys: Map<string, number>[] = [new Map(), new Map()]
  /**
   * By shape: its entries in an open-addressing table (-1 where none) by `keyHash`, at least twice
   * as large as the entries, which the scanner looks keys up in (`assembly/scanner.ts`): a key
   * that matters costs a look or two and one comparison, and most of the others are ruled out by
   * one look.
   */
  readonly tables: Int32Array[] = []
  /** The most keys in a path. */
  readonly deepest: number

  constructor(paths: readonly FieldPath[]) {
    this.deepest = Math.max(0, ...paths.map((path) => path.length))
    paths.forEach((path, slot) => {
      if (path.length === 0) throw new Error('A captured field needs a path of one key or more')
      let shape = ROOT
      path.forEach((key, depth) => {
        const entry = this.entry(shape, key)
        if (depth < path.length - 1) {
          if (this.shapeOf[entry] === IGNORED) this.shapeOf[entry] = this.newShape()
          shape = this.shapeOf[entry] as number
        } else if (this.slotOf[entry] === -1) {
          this.slotOf[entry] = slot
        } else {
          throw new Error(`The field ${path.join('.')} is captured twice`)
        }
      })
    })
    this.keys.forEach((keys, shape) => {
      this.tables.push(this.table([...keys.values()]))
      if (shape >= ROOT) this.collectSlots(shape, shape)
    })
  }

  /** The number of shapes, `IGNORED` included. */
  get count(): number {
    return this.keys.length
  }

  /**
   * The entry of the key `key` in an object of shape `shape`, or -1. The scanner looks keys up by
   * their bytes, in `tables`; this is for the keys written with escapes.
   */
  entryOfKey(key: string, shape: number): number {
    return this.keys[shape]?.get(key) ?? -1
  }

  private entry(shape: number, key: string): number {
    const keys = this.keys[shape] as Map<string, number>
    const found = keys.get(key)
    if (found !== undefined) return found
    const entry = this.names.length
    this.names.push(new TextEncoder().encode(key))
    this.slotOf.push(-1)
    this.shapeOf.push(IGNORED)
    keys.set(key, entry)
    return entry
  }

  private newShape(): number {
    this.keys.push(new Map())
    this.slotsUnder.push([])
    return this.keys.length - 1
  }

  private table(entries: readonly number[]): Int32Array {
    let size = 4
    while (size < entries.length * 2) size *= 2
    const table = new Int32Array(size).fill(-1)
    for (const entry of entries) {
      const name = this.names[entry] as Uint8Array
      let at = keyHash(name, 0, name.length) & (size - 1)
      while (table[at] !== -1) at = (at + 1) & (size - 1)
      table[at] = entry
    }
    return table
  }

  /** Adds the slots under `shape` to those of `into`. */
  private collectSlots(shape: number, into: number): void {
    for (const entry of (this.keys[shape] as Map<string, number>).values()) {
      const slot = this.slotOf[entry] as number
      if (slot >= 0) (this.slotsUnder[into] as number[]).push(slot)
      const nested = this.shapeOf[entry] as number
      if (nested !== IGNORED) this.collectSlots(nested, into)
    }
  }
}

/** A hash of a key's length and its first, middle and last bytes; `assembly/scanner.ts` has it too. */
function keyHash(b: Uint8Array, from: number, length: number): number {
  if (length === 0) return 0
  const first = b[from] as number
  const middle = b[from + (length >> 1)] as number
  const last = b[from + length - 1] as number
  const h = Math.imul(length ^ (first << 8) ^ (middle << 16) ^ (last << 24), 0x9e3779b1)
  return h ^ (h >>> 15)
}
