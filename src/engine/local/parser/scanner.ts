import { ASCII, type Captures, ESCAPED, MISSING, RAW, UTF8 } from './captures.js'
import {
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  LETTER_N,
  notJson,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  skipEscape,
  skipScalar,
  skipSpace
} from './json.js'
import { IGNORED, ROOT, Shapes } from './shapes.js'

// Where a value sits in a delivery, besides the shapes of the captured fields (`IGNORED`, `ROOT`
// for a record, and the shapes under it): the document, and its `Records` array.
const DOCUMENT = -1
const RECORDS = -2
/** The document's one key that matters; its slot is never used. */
const DOCUMENT_KEYS = new Shapes([['Records']])

/**
 * Reads a CloudTrail delivery, `{"Records": [record, …]}`, byte by byte: validates it as strictly
 * as `JSON.parse` (RFC 8259), and captures each record's fields (`Captures`, slots by `Shapes`)
 * without making a string. One loop, with the nesting on an explicit stack: for each open object
 * or array, the byte that closes it, its shape (`IGNORED` for most), and the slot that gets its
 * JSON text when it is itself a captured value.
 */
export class DeliveryScanner {
  private closers = new Uint8Array(64)
  private frameShapes = new Int32Array(64)
  private frameSlots = new Int32Array(64)
  private depth = 0
  /** What the next value is: its shape if it opens an object or array, the slot it fills. */
  private nextShape = DOCUMENT
  private nextSlot = -1
  /** The `Records` elements so far. */
  private elements = 0
  private seenRecords = false
  /** Why the document, JSON so far, is not a delivery; '' while it is. */
  private problem = ''

  constructor(
    private readonly shapes: Shapes,
    private readonly captures: Captures
  ) {}

  /**
   * Reads the document and calls `onRecord` after each record, its fields in the captures, until
   * the document shows it is not a delivery. Returns the number of `Records` elements. Throws
   * `not valid JSON: …` when it is not JSON, else `not a CloudTrail log file: …` when it is not a
   * delivery.
   */
  scan(b: Uint8Array, onRecord: () => void): number {
    const n = b.length
    this.depth = 0
    this.nextShape = DOCUMENT
    this.nextSlot = -1
    this.elements = 0
    this.seenRecords = false
    this.problem = ''
    let i = 0
    for (;;) {
      i = skipSpace(b, i, n)
      const shape = this.nextShape
      const slot = this.nextSlot
      this.nextShape = IGNORED
      this.nextSlot = -1
      if (shape !== IGNORED) this.expect(shape, i < n ? (b[i] as number) : 0)
      const c = i < n ? (b[i] as number) : 0
      if (c === QUOTE) {
        i = slot < 0 ? skipString(b, i + 1, n) : this.captureString(b, i + 1, n, slot)
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        i = this.open(b, i, n, c, shape, slot)
        // On to its first value; or, when it is empty, it closes below like any other.
        if (i >= 0) continue
        i = -i
      } else {
        const from = i
        i = skipScalar(b, i, n)
        if (slot >= 0) this.capture(slot, c === LETTER_N ? MISSING : RAW, from, i)
      }
      i = this.afterValue(b, i, n, onRecord)
      if (i < 0) break
    }
    if (!this.seenRecords) this.fail('it has no "Records" key')
    if (this.problem !== '') throw new Error(`not a CloudTrail log file: ${this.problem}`)
    return this.elements
  }

  /** Notes what a value must be where it is: the document an object, and so on. */
  private expect(shape: number, c: number): void {
    if (shape === ROOT) {
      if (c !== OPEN_OBJECT) this.fail(`Records[${this.elements}] is not an object`)
      this.elements++
    } else if (shape === RECORDS && c !== OPEN_ARRAY) {
      this.fail('"Records" is not an array')
    } else if (shape === DOCUMENT && c !== OPEN_OBJECT) {
      this.fail('the document is not an object')
    }
  }

  private fail(problem: string): void {
    if (this.problem === '') this.problem = problem
  }

  /** Captures the string whose contents start at `i`; returns the offset past its closing quote. */
  private captureString(b: Uint8Array, i: number, n: number, slot: number): number {
    const from = i
    let high = 0
    let escaped = false
    let c = 0
    for (;;) {
      while (i < n) {
        c = b[i] as number
        if (c === QUOTE || c === BACKSLASH || c < 0x20) break
        high |= c
        i++
      }
      if (i >= n || c < 0x20) notJson(i, n)
      if (c === QUOTE) break
      i = skipEscape(b, i + 1, n)
      escaped = true
    }
    this.capture(slot, escaped ? ESCAPED : high >= 0x80 ? UTF8 : ASCII, from, i)
    return i + 1
  }

  private capture(slot: number, kind: number, from: number, to: number): void {
    const { kinds, starts, ends } = this.captures
    kinds[slot] = kind
    starts[slot] = from
    ends[slot] = to
  }

  /**
   * Opens the object or array at `i`, of `shape` where it is, filling `slot`. Returns the offset
   * of its first key or element, or, when it is empty, minus the offset of its closing byte.
   */
  private open(
    b: Uint8Array,
    i: number,
    n: number,
    c: number,
    shape: number,
    slot: number
  ): number {
    const isObject = c === OPEN_OBJECT
    const frameShape = isObject
      ? shape === DOCUMENT || shape > 0
        ? shape
        : IGNORED
      : shape === RECORDS
        ? RECORDS
        : IGNORED
    if (frameShape === ROOT) this.captures.kinds.fill(MISSING)
    if (slot >= 0) this.captures.starts[slot] = i
    const depth = this.depth
    if (depth === this.closers.length) this.growStack()
    this.closers[depth] = isObject ? CLOSE_OBJECT : CLOSE_ARRAY
    this.frameShapes[depth] = frameShape
    this.frameSlots[depth] = slot
    this.depth = depth + 1
    i = skipSpace(b, i + 1, n)
    if (b[i] === this.closers[depth] && i < n) return -i
    return isObject ? this.key(b, i, n, frameShape) : this.firstElement(i, frameShape)
  }

  private firstElement(i: number, frameShape: number): number {
    if (frameShape === RECORDS) this.nextShape = ROOT
    return i
  }

  /**
   * Reads the key at `i` of an object of shape `frameShape`, and the colon after it; notes what its
   * value is. Returns the offset of the value.
   */
  private key(b: Uint8Array, i: number, n: number, frameShape: number): number {
    if (i >= n || b[i] !== QUOTE) notJson(i, n)
    const from = ++i
    let escaped = false
    let c = 0
    for (;;) {
      while (i < n) {
        c = b[i] as number
        if (c === QUOTE || c === BACKSLASH || c < 0x20) break
        i++
      }
      if (i >= n || c < 0x20) notJson(i, n)
      if (c === QUOTE) break
      i = skipEscape(b, i + 1, n)
      escaped = true
    }
    if (frameShape !== IGNORED) this.matchKey(b, from, i, escaped, frameShape)
    i = skipSpace(b, i + 1, n)
    if (i >= n || b[i] !== COLON) notJson(i, n)
    return skipSpace(b, i + 1, n)
  }

  /** Notes what the value of the key between `from` and `to`, in an object that matters, is. */
  private matchKey(
    b: Uint8Array,
    from: number,
    to: number,
    escaped: boolean,
    frameShape: number
  ): void {
    if (frameShape === DOCUMENT) {
      if (DOCUMENT_KEYS.entryOf(b, from, to, escaped, ROOT) < 0) return
      if (this.seenRecords) this.fail('it has more than one "Records" key')
      else this.nextShape = RECORDS
      this.seenRecords = true
      return
    }
    const { shapes } = this
    const entry = shapes.entryOf(b, from, to, escaped, frameShape)
    if (entry < 0) return
    const nested = shapes.shapeOf[entry] as number
    if (nested !== IGNORED) {
      // The last of repeated keys wins, as with JSON.parse: what an earlier one set is gone.
      for (const slot of shapes.slotsUnder[nested] as number[]) this.captures.kinds[slot] = MISSING
      this.nextShape = nested
    }
    this.nextSlot = shapes.slotOf[entry] as number
  }

  /**
   * After a value: closes what ends at `i`, or goes on to the next key or element. Returns the
   * offset of the next value, or -1 at the end of the document.
   */
  private afterValue(b: Uint8Array, i: number, n: number, onRecord: () => void): number {
    for (;;) {
      i = skipSpace(b, i, n)
      const depth = this.depth
      if (depth === 0) {
        if (i < n) notJson(i, n)
        return -1
      }
      const c = i < n ? (b[i] as number) : 0
      if (c === COMMA) {
        const frameShape = this.frameShapes[depth - 1] as number
        if (this.closers[depth - 1] === CLOSE_OBJECT) {
          return this.key(b, skipSpace(b, i + 1, n), n, frameShape)
        }
        return this.firstElement(i + 1, frameShape)
      }
      if (c !== this.closers[depth - 1] || i >= n) notJson(i, n)
      i++
      this.depth = depth - 1
      const captured = this.frameSlots[depth - 1] as number
      if (captured >= 0) {
        this.captures.kinds[captured] = RAW
        this.captures.ends[captured] = i
      }
      if (this.frameShapes[depth - 1] === ROOT && this.problem === '') onRecord()
    }
  }

  private growStack(): void {
    const size = this.closers.length * 2
    const closers = new Uint8Array(size)
    const frameShapes = new Int32Array(size)
    const frameSlots = new Int32Array(size)
    closers.set(this.closers)
    frameShapes.set(this.frameShapes)
    frameSlots.set(this.frameSlots)
    this.closers = closers
    this.frameShapes = frameShapes
    this.frameSlots = frameSlots
  }
}

/**
 * Past a string whose contents start at `i`: the offset after its closing quote. The hot loop:
 * most of a log file is strings no one reads.
 */
function skipString(b: Uint8Array, i: number, n: number): number {
  let c = 0
  for (;;) {
    while (i < n) {
      c = b[i] as number
      if (c === QUOTE || c === BACKSLASH || c < 0x20) break
      i++
    }
    if (i >= n || c < 0x20) notJson(i, n)
    if (c === QUOTE) return i + 1
    i = skipEscape(b, i + 1, n)
  }
}
