import { type Captures, ESCAPED, MISSING, RAW } from './captures.js'

/**
 * Distinct strings, each made once, with a small id that aggregate keys are made of (id 0 is '').
 * A captured value's bytes are looked up in the scanner's memory of those it has seen
 * (`Captures.byteIds`, in WebAssembly), so a value seen before costs no decoding and no string.
 */
export class Texts {
  /** By id. */
  readonly texts: string[] = []
  private readonly ids = new Map<string, number>()

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
    const known = captures.byteIds.find(from, to)
    if (known >= 0) return known
    const id = this.idOfText(decodeFrom(captures, slot, from))
    captures.byteIds.remember(from, to, id)
    return id
  }
}

/** The text of the captured string in `slot` from the byte at `from`. */
function decodeFrom(captures: Captures, slot: number, from: number): string {
  return from === captures.starts[slot]
    ? captures.decode(slot)
    : captures.bytes.toString('utf8', from, captures.ends[slot] as number)
}
