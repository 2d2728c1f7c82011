/** How a captured value becomes text. */
export const MISSING = 0 // absent or null: ''
export const ASCII = 1 // a string of plain ASCII bytes
export const UTF8 = 2 // a string with other bytes, and no escapes
export const ESCAPED = 3 // a string with escapes
export const RAW = 4 // not a string: its JSON text, read as the table's string column reads it

const EMPTY = Buffer.alloc(0)

/**
 * The scanner's memory of byte strings already made into text ids (`Texts`), by their offsets in
 * the document being scanned.
 */
export interface ByteIds {
  /** The id remembered for the bytes from `from` to `to`, or -1. */
  find(from: number, to: number): number
  /** Remembers `id` for those bytes (unless its table is full). */
  remember(from: number, to: number, id: number): void
}

/** Remembers nothing: captures not written by a scanner. */
const NO_BYTE_IDS: ByteIds = { find: () => -1, remember: () => {} }

/**
 * The current record's captured fields, by slot: where each value's bytes are in the document and
 * how they read. No string is made until one is asked for, and the scanner only writes numbers.
 */
export class Captures {
  /** Views into the scanner's memory once a scanner writes them (`DeliveryScanner`). */
  kinds: Uint8Array
  /** For a string, the offsets of its first byte and of its closing quote; else of its JSON text. */
  starts: Int32Array
  ends: Int32Array
  /** The document being scanned, which the offsets are into. */
  bytes: Buffer = EMPTY
  /** The scanner's byte strings with a text id, in `bytes`. */
  byteIds: ByteIds = NO_BYTE_IDS

  constructor(readonly slots: number) {
    this.kinds = new Uint8Array(slots)
    this.starts = new Int32Array(slots)
    this.ends = new Int32Array(slots)
  }

  /** Lets go of the document. */
  release(): void {
    this.bytes = EMPTY
  }

  /** Whether the slot holds a value other than null or `""`. */
  present(slot: number): boolean {
    return (
      this.kinds[slot] !== MISSING && (this.ends[slot] as number) > (this.starts[slot] as number)
    )
  }

  /**
   * The slot's value as text, '' when absent: a string decoded; a number or boolean as
   * `String(JSON.parse(…))` writes it, an object or array as compact JSON (`JSON.stringify`),
   * which is how the reference reads a string column (`record-values.ts`).
   */
  decode(slot: number): string {
    const from = this.starts[slot] as number
    const to = this.ends[slot] as number
    switch (this.kinds[slot]) {
      case ASCII:
        return this.bytes.toString('latin1', from, to)
      case UTF8:
        return this.bytes.toString('utf8', from, to)
      case ESCAPED:
        return JSON.parse(this.bytes.toString('utf8', from - 1, to + 1)) as string
      case RAW: {
        const value: unknown = JSON.parse(this.bytes.toString('utf8', from, to))
        return typeof value === 'object' ? JSON.stringify(value) : String(value)
      }
      default:
        return ''
    }
  }

  /** The slot's text (`decode`), or `null` when it is absent or null. */
  text(slot: number): string | null {
    return this.kinds[slot] === MISSING ? null : this.decode(slot)
  }

  /** Whether the slot holds the string `ascii` (ASCII bytes), however it is written. */
  holds(slot: number, ascii: Uint8Array): boolean {
    const kind = this.kinds[slot]
    if (kind !== ASCII) {
      return kind === ESCAPED && this.decode(slot) === Buffer.from(ascii).toString('latin1')
    }
    const from = this.starts[slot] as number
    if ((this.ends[slot] as number) - from !== ascii.length) return false
    for (let i = 0; i < ascii.length; i++) if (this.bytes[from + i] !== ascii[i]) return false
    return true
  }
}
