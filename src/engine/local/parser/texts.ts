import { type Captures, ESCAPED, MISSING, RAW } from './captures.js'

/** Past this many, new byte forms are decoded each time: the cache stays small. */
const SEEN_BYTES_LIMIT = 1 << 16

/**
 * Distinct strings, each made once, with a small id that aggregate keys are made of (id 0 is '').
 * A captured value's bytes are looked up by a hash of them (checked byte for byte), so a value
 * seen before costs no decoding and no string.
 */
export class Texts {
  /** By id. */
  readonly texts: string[] = []
  private readonly ids = new Map<string, number>()
  /** Byte forms already decoded: hash → index in `seenBytes` and `seenIds`. */
  private readonly byHash = new Map<number, number>()
  private readonly seenBytes: Uint8Array[] = []
  private readonly seenIds: number[] = []

  constructor() {
    this.idOfText('')
  }

  idOfText(text: string): number {
    let id = this.ids.get(text)
    if (id === undefined) {
      id = this.texts.length
      this.texts.push(text)
      this.ids.set(text, id)
    }
    return id
  }

  /** The id of a captured value's text (`Captures.decode`). */
  idOf(captures: Captures, slot: number): number {
    const kind = captures.kinds[slot] as number
    if (kind === MISSING) return 0
    // Not by their bytes: `1.0` and "1.0" are the same bytes, but not the same text.
    if (kind === ESCAPED || kind === RAW) return this.idOfText(captures.decode(slot))
    return this.idOfBytes(captures, slot, captures.starts[slot] as number)
  }

  /**
   * The id of the text of the captured string in `slot` (`ASCII` or `UTF8`, not escaped) from the
   * byte at `from` (a character's first byte) to its end.
   */
  idOfBytes(captures: Captures, slot: number, from: number): number {
    const to = captures.ends[slot] as number
    const b = captures.bytes
    let h = 0x811c9dc5 ^ (to - from)
    for (let i = from; i < to; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193)
    const entry = this.byHash.get(h)
    if (entry !== undefined) {
      const known = this.seenBytes[entry] as Uint8Array
      if (known.length === to - from) {
        let j = 0
        while (j < known.length && known[j] === b[from + j]) j++
        if (j === known.length) return this.seenIds[entry] as number
      }
      return this.idOfText(decodeFrom(captures, slot, from))
    }
    const id = this.idOfText(decodeFrom(captures, slot, from))
    if (this.seenBytes.length < SEEN_BYTES_LIMIT) {
      this.byHash.set(h, this.seenBytes.length)
      this.seenBytes.push(Uint8Array.prototype.slice.call(b, from, to))
      this.seenIds.push(id)
    }
    return id
  }
}

/** The text of the captured string in `slot` from the byte at `from`. */
function decodeFrom(captures: Captures, slot: number, from: number): string {
  return from === captures.starts[slot]
    ? captures.decode(slot)
    : captures.bytes.toString('utf8', from, captures.ends[slot] as number)
}
