/** A field a parser captures, by its path of keys from the record: `['userIdentity', 'arn']`. */
export type FieldPath = readonly string[]

/** The shape of an object whose keys do not matter: they are only validated. */
export const IGNORED = 0
/** The shape of the objects the paths start from (the records). */
export const ROOT = 1

interface Shape {
  /** Its entries by the byte length of their key: most keys are ruled out by length alone. */
  readonly byLength: (number[] | undefined)[]
}

/**
 * The objects whose keys matter, built from the paths of the captured fields: the root and, for
 * each key a path goes through, the shape of its value. Each key of a shape is an entry, which
 * gives the slot its value is captured in (the path's index in the list), or the shape its value
 * has when it is an object, or both (a path that is a prefix of another captures the object's
 * JSON text and fields inside it).
 */
export class Shapes {
  /** By entry: the key, UTF-8. */
  private readonly names: Uint8Array[] = []
  /** By entry: the slot its value is captured in, or -1. */
  readonly slotOf: number[] = []
  /** By entry: the shape of its value when it is an object, or `IGNORED`. */
  readonly shapeOf: number[] = []
  /** By shape: every slot at or under its keys, cleared when a key of that shape comes again. */
  readonly slotsUnder: number[][] = [[], []]
  private readonly shapes: Shape[] = [{ byLength: [] }, { byLength: [] }]

  constructor(paths: readonly FieldPath[]) {
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
    for (let shape = ROOT; shape < this.shapes.length; shape++) this.collectSlots(shape, shape)
  }

  /** The number of shapes, `IGNORED` included. */
  get count(): number {
    return this.shapes.length
  }

  /**
   * The entry of the key between `from` and `to` (the bytes inside its quotes) in an object of
   * shape `shape`, or -1. An `escaped` key is compared by the text its escapes stand for.
   */
  entryOf(b: Uint8Array, from: number, to: number, escaped: boolean, shape: number): number {
    if (escaped) {
      const text = JSON.parse(
        Buffer.from(b.buffer, b.byteOffset + from - 1, to - from + 2).toString()
      ) as string
      const name = new TextEncoder().encode(text)
      return this.entryOf(name, 0, name.length, false, shape)
    }
    const candidates = (this.shapes[shape] as Shape).byLength[to - from]
    if (candidates === undefined) return -1
    for (const entry of candidates) {
      const name = this.names[entry] as Uint8Array
      let j = 0
      while (j < name.length && name[j] === b[from + j]) j++
      if (j === name.length) return entry
    }
    return -1
  }

  private entry(shape: number, key: string): number {
    const name = new TextEncoder().encode(key)
    const found = this.entryOf(name, 0, name.length, false, shape)
    if (found >= 0) return found
    const entry = this.names.length
    this.names.push(name)
    this.slotOf.push(-1)
    this.shapeOf.push(IGNORED)
    ;((this.shapes[shape] as Shape).byLength[name.length] ??= []).push(entry)
    return entry
  }

  private newShape(): number {
    this.shapes.push({ byLength: [] })
    this.slotsUnder.push([])
    return this.shapes.length - 1
  }

  /** Adds the slots under `shape` to those of `into`. */
  private collectSlots(shape: number, into: number): void {
    for (const entries of (this.shapes[shape] as Shape).byLength) {
      for (const entry of entries ?? []) {
        const slot = this.slotOf[entry] as number
        if (slot >= 0) (this.slotsUnder[into] as number[]).push(slot)
        const nested = this.shapeOf[entry] as number
        if (nested !== IGNORED) this.collectSlots(nested, into)
      }
    }
  }
}
