import { ASCII, type Captures, ESCAPED, MISSING, RAW, UTF8 } from './captures.js'
import {
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  isPlain,
  LETTER_N,
  notJson,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  skipEscape,
  skipScalar,
  skipSpace,
  skipString
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
  private stack: Stack = newStack(64)
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
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
    const { kinds, starts, ends } = this.captures
    this.nextShape = DOCUMENT
    this.nextSlot = -1
    this.elements = 0
    this.seenRecords = false
    this.problem = ''
    // The stack, in locals for the loop: growing it replaces the arrays.
    let { closers, frameShapes, frameSlots } = this.stack
    let depth = 0
    let i = 0
    for (;;) {
      i = skipSpace(b, i, n)
      const shape = this.nextShape
      const slot = this.nextSlot
      if (shape !== IGNORED) {
        this.nextShape = IGNORED
        this.expect(shape, i < n ? (b[i] as number) : 0)
      }
      if (slot >= 0) this.nextSlot = -1
      let c = i < n ? (b[i] as number) : 0
      if (c === QUOTE) {
        i = slot < 0 ? skipString(b, view, i + 1, n) : this.captureString(b, view, i + 1, n, slot)
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        const frameShape = frameShapeOf(c, shape)
        if (frameShape === ROOT) kinds.fill(MISSING)
        if (slot >= 0) starts[slot] = i
        if (depth === closers.length) {
          this.stack = grow(this.stack)
          ;({ closers, frameShapes, frameSlots } = this.stack)
        }
        const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY
        closers[depth] = close
        frameShapes[depth] = frameShape
        frameSlots[depth] = slot
        depth++
        i = skipSpace(b, i + 1, n)
        // On to its first value; or, when it is empty, it closes below like any other.
        if (i >= n || b[i] !== close) {
          i =
            close === CLOSE_OBJECT
              ? this.key(b, view, i, n, frameShape)
              : this.element(i, frameShape)
          continue
        }
      } else {
        const from = i
        i = skipScalar(b, i, n)
        if (slot >= 0) this.capture(slot, c === LETTER_N ? MISSING : RAW, from, i)
      }
      // After a value: close what ends here, or go on to the next key or element.
      for (;;) {
        i = skipSpace(b, i, n)
        if (depth === 0) {
          if (i < n) notJson(i, n)
          if (!this.seenRecords) this.fail('it has no "Records" key')
          if (this.problem !== '') throw new Error(`not a CloudTrail log file: ${this.problem}`)
          return this.elements
        }
        c = i < n ? (b[i] as number) : 0
        if (c === COMMA) {
          const frameShape = frameShapes[depth - 1] as number
          i =
            closers[depth - 1] === CLOSE_OBJECT
              ? this.key(b, view, skipSpace(b, i + 1, n), n, frameShape)
              : this.element(i + 1, frameShape)
          break
        }
        if (c !== closers[depth - 1] || i >= n) notJson(i, n)
        i++
        depth--
        const captured = frameSlots[depth] as number
        if (captured >= 0) {
          kinds[captured] = RAW
          ends[captured] = i
        }
        if (frameShapes[depth] === ROOT && this.problem === '') onRecord()
      }
    }
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
  private captureString(b: Uint8Array, view: DataView, i: number, n: number, slot: number): number {
    const from = i
    let high = 0
    let escaped = false
    let c = 0
    for (;;) {
      for (let v = 0; i + 4 <= n; i += 4) {
        v = view.getInt32(i, true)
        if ((v & 0x80808080) !== 0 || !isPlain(v)) break
      }
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

  /** At the element at `i` of an array of shape `frameShape`; notes what it is. */
  private element(i: number, frameShape: number): number {
    if (frameShape === RECORDS) this.nextShape = ROOT
    return i
  }

  /**
   * Reads the key at `i` of an object of shape `frameShape`, and the colon after it; notes what its
   * value is. Returns the offset of the value.
   */
  private key(b: Uint8Array, view: DataView, i: number, n: number, frameShape: number): number {
    if (i >= n || b[i] !== QUOTE) notJson(i, n)
    const from = ++i
    let escaped = false
    let c = 0
    for (;;) {
      while (i + 4 <= n && isPlain(view.getInt32(i, true))) i += 4
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
}

/**
 * For each open object or array: the byte that closes it, its shape, and the slot that gets its
 * JSON text, -1 if none.
 */
interface Stack {
  readonly closers: Uint8Array
  readonly frameShapes: Int32Array
  readonly frameSlots: Int32Array
}

function newStack(size: number): Stack {
  return {
    closers: new Uint8Array(size),
    frameShapes: new Int32Array(size),
    frameSlots: new Int32Array(size)
  }
}

/** A stack twice the size, with the same frames. */
function grow(stack: Stack): Stack {
  const bigger = newStack(stack.closers.length * 2)
  bigger.closers.set(stack.closers)
  bigger.frameShapes.set(stack.frameShapes)
  bigger.frameSlots.set(stack.frameSlots)
  return bigger
}

/** The shape of the frame an object or array opens, where a value of `shape` is expected. */
function frameShapeOf(c: number, shape: number): number {
  if (c === OPEN_OBJECT) return shape === DOCUMENT || shape > 0 ? shape : IGNORED
  return shape === RECORDS ? RECORDS : IGNORED
}
