import type { Captures } from './captures.js'
import { SCANNER_WASM } from './scanner-wasm.js'
import { ROOT, Shapes } from './shapes.js'

/** The shape `assembly/scanner.ts` gives the document's own keys (`escapedKey`). */
const DOCUMENT = -1
/** The document's one key that matters, for when it is written with escapes. */
const DOCUMENT_KEYS = new Shapes([['Records']])

/** Why a JSON document is not a delivery, by the scanner's `problemCode`. */
const PROBLEMS: Record<number, (element: number) => string> = {
  1: () => 'it has no "Records" key',
  2: () => 'it has more than one "Records" key',
  3: (element) => `Records[${element}] is not an object`,
  4: () => '"Records" is not an array',
  5: () => 'the document is not an object'
}

const PAGE = 64 * 1024
/**
 * A scanner's memory, past which it is let go after a document (the next one gets a new one): a
 * thread keeps what usual deliveries need, not what its largest one did.
 */
const KEPT_MEMORY = 32 * 1024 * 1024
/**
 * The largest document the loop reads: its offsets are 32-bit signed, and the memory (at most
 * 4 GiB) holds the document and its closers. CloudTrail's deliveries are a few MB.
 */
export const MAX_DOCUMENT = 2 ** 31 - 2 ** 28

/** The byte strings with a text id the scanner remembers (`Texts`): at most this many, */
const BYTE_IDS = 1 << 16
/** in a table of twice as many slots, */
const BYTE_ID_SLOTS = BYTE_IDS * 2
/** their bytes in an arena of this size. */
const BYTE_ID_ARENA = 4 * 1024 * 1024

/** What `assembly/scanner.ts` exports. */
interface ScannerExports {
  readonly memory: WebAssembly.Memory
  heapBase(): number
  layout(
    kinds: number,
    starts: number,
    ends: number,
    slots: number,
    shapes: number,
    entries: number,
    frameShapes: number,
    frameSlots: number,
    frames: number
  ): void
  layoutByteIds(table: number, slots: number, limit: number, arena: number, bytes: number): void
  findBytes(from: number, to: number): number
  rememberBytes(from: number, to: number, id: number): void
  scan(document: number, length: number, closers: number): number
  failedAt(): number
  problemCode(): number
  problemElementIndex(): number
}

/** One instance of the scanner, with its memory laid out; `documentAt` is past the tables. */
interface Instance {
  readonly exports: ScannerExports
  readonly kindsAt: number
  readonly startsAt: number
  readonly endsAt: number
  readonly documentAt: number
}

/** Compiled once a thread, when it first scans. */
let compiled: WebAssembly.Module | undefined

/**
 * Reads a CloudTrail delivery, `{"Records": [record, …]}`: validates it as strictly as
 * `JSON.parse` (RFC 8259), and captures each record's fields (`Captures`, slots by `Shapes`)
 * without making a string. The loop is WebAssembly (`assembly/scanner.ts`), twice as fast as it
 * was in JavaScript; this side copies the document into its memory (`load`), points the captures
 * there, and turns what the loop returns into errors (`scan`).
 */
export class DeliveryScanner {
  private instance: Instance | undefined
  private onRecord: () => void = () => {}
  /** The length of the loaded document. */
  private loaded = 0
  constructor(
    private readonly shapes: Shapes,
    private readonly captures: Captures
  ) {}

  /**
   * Copies the document into the scanner's memory, where `captures.bytes` then points, until the
   * next one: the caller can let go of its own copy before `scan`.
   */
  load(document: Uint8Array): void {
    const n = document.length
    if (n > MAX_DOCUMENT) {
      throw new Error(`too large to read: ${n} bytes of JSON (the most is ${MAX_DOCUMENT})`)
    }
    this.start(n)
    this.append(document)
    this.finish()
  }

  /**
   * Starts a document given in pieces (`append`, then `finish`, or `abandon`), with memory for
   * `expected` bytes: a large delivery is gunzipped straight into the scanner's memory, so that its
   * JSON is never held twice. `expected` is only a hint: the memory grows past it.
   */
  start(expected: number): void {
    this.prepare(Math.min(expected, MAX_DOCUMENT))
    this.loaded = 0
  }

  /** Adds a piece of the document started. */
  append(piece: Uint8Array): void {
    const n = this.loaded + piece.length
    if (n > MAX_DOCUMENT) {
      throw new Error(`too large to read: over ${MAX_DOCUMENT} bytes of JSON (the most)`)
    }
    const instance = this.prepare(n)
    new Uint8Array(instance.exports.memory.buffer).set(piece, instance.documentAt + this.loaded)
    this.loaded = n
  }

  /** Ends the document started: `scan` reads it. Returns its length. */
  finish(): number {
    // `start` and `append` reserved the memory for the document and its closers.
    const { exports, documentAt } = this.instance as Instance
    this.captures.bytes = Buffer.from(exports.memory.buffer, documentAt, this.loaded)
    return this.loaded
  }

  /** Drops the document started, which will not be read (its gunzip failed). */
  abandon(): void {
    this.loaded = 0
    this.keepLittle()
  }

  /**
   * Reads the loaded document and calls `onRecord` after each record, its fields in the captures,
   * until the document shows it is not a delivery. Returns the number of `Records` elements.
   * Throws `not valid JSON: …` when it is not JSON, else `not a CloudTrail log file: …` when it is
   * not a delivery.
   */
  scan(onRecord: () => void): number {
    const { exports, documentAt } = this.instance as Instance
    const n = this.loaded
    this.onRecord = onRecord
    try {
      // One bit per depth, after the document: it cannot nest deeper than it has bytes.
      const elements = exports.scan(documentAt, n, documentAt + n)
      if (elements < 0) notJson(exports.failedAt(), n)
      const problem = PROBLEMS[exports.problemCode()]
      if (problem !== undefined) {
        throw new Error(`not a CloudTrail log file: ${problem(exports.problemElementIndex())}`)
      }
      return elements
    } finally {
      this.onRecord = () => {}
      this.keepLittle()
    }
  }

  /** Lets go of a memory grown past `KEPT_MEMORY` for a large document, once it is read. */
  private keepLittle(): void {
    if ((this.instance?.exports.memory.buffer.byteLength ?? 0) > KEPT_MEMORY) {
      this.instance = undefined
    }
  }

  /** The instance, with memory for a document of `n` bytes and its closers. */
  private prepare(n: number): Instance {
    const instance = this.instance ?? this.instantiate()
    const { memory } = instance.exports
    if (reserve(memory, instance.documentAt + n + (n >> 3) + 1)) this.bind(instance)
    return instance
  }

  private instantiate(): Instance {
    compiled ??= new WebAssembly.Module(Buffer.from(SCANNER_WASM, 'base64'))
    const wasm = new WebAssembly.Instance(compiled, {
      env: {
        record: () => this.onRecord(),
        escapedKey: (from: number, to: number, shape: number) => this.escapedKey(from, to, shape)
      }
    })
    const exports = wasm.exports as unknown as ScannerExports
    const { shapes } = this
    const slots = this.captures.slots
    // The frames that matter: the document, Records, the record, and one per key of a path.
    const frames = shapes.deepest + 3
    // The layout: each part 8-byte aligned, from the first byte the module leaves free.
    let end = exports.heapBase()
    const take = (bytes: number): number => {
      const at = align(end)
      end = at + bytes
      return at
    }
    const kindsAt = take(slots)
    const startsAt = take(slots * 4)
    const endsAt = take(slots * 4)
    const shapesAt = take(shapes.count * 16)
    const entriesAt = take(shapes.names.length * 16)
    const namesAt = shapes.names.map((name) => take(name.length))
    const tablesAt = shapes.tables.map((table) => take(table.length * 4))
    const underAt = shapes.slotsUnder.map((under) => take(under.length * 4))
    const frameShapesAt = take(frames * 4)
    const frameSlotsAt = take(frames * 4)
    const byteIdsAt = take(BYTE_ID_SLOTS * 16)
    const arenaAt = take(BYTE_ID_ARENA)
    const documentAt = align(end)
    reserve(exports.memory, documentAt)

    const bytes = new Uint8Array(exports.memory.buffer)
    const words = new Int32Array(exports.memory.buffer)
    shapes.names.forEach((name, entry) => {
      bytes.set(name, namesAt[entry])
      const entryData = [namesAt[entry], name.length, shapes.slotOf[entry], shapes.shapeOf[entry]]
      words.set(entryData as number[], (entriesAt >> 2) + entry * 4)
    })
    shapes.tables.forEach((table, shape) => {
      const under = shapes.slotsUnder[shape] as number[]
      words.set(table, (tablesAt[shape] as number) >> 2)
      words.set(under, (underAt[shape] as number) >> 2)
      words.set(
        [tablesAt[shape] as number, table.length - 1, underAt[shape] as number, under.length],
        (shapesAt >> 2) + shape * 4
      )
    })
    exports.layout(
      kindsAt,
      startsAt,
      endsAt,
      slots,
      shapesAt,
      entriesAt,
      frameShapesAt,
      frameSlotsAt,
      frames
    )
    exports.layoutByteIds(byteIdsAt, BYTE_ID_SLOTS, BYTE_IDS, arenaAt, BYTE_ID_ARENA)
    const instance = { exports, kindsAt, startsAt, endsAt, documentAt }
    this.bind(instance)
    this.instance = instance
    return instance
  }

  /** Points the captures at the instance's memory, which growing it replaces. */
  private bind(instance: Instance): void {
    const { buffer } = instance.exports.memory
    const { slots } = this.captures
    this.captures.kinds = new Uint8Array(buffer, instance.kindsAt, slots)
    this.captures.starts = new Int32Array(buffer, instance.startsAt, slots)
    this.captures.ends = new Int32Array(buffer, instance.endsAt, slots)
    const { exports } = instance
    this.captures.byteIds = {
      find: (from, to) => exports.findBytes(from, to),
      remember: (from, to, id) => exports.rememberBytes(from, to, id)
    }
  }

  /** The entry of a key written with escapes, by the text they stand for; or -1. */
  private escapedKey(from: number, to: number, shape: number): number {
    const key = JSON.parse(this.captures.bytes.toString('utf8', from - 1, to + 1)) as string
    return shape === DOCUMENT
      ? DOCUMENT_KEYS.entryOfKey(key, ROOT)
      : this.shapes.entryOfKey(key, shape)
  }
}

/** Stops at offset `i`: the document is not JSON. */
function notJson(i: number, end: number): never {
  throw new Error(
    i >= end
      ? 'not valid JSON: unexpected end of the document'
      : `not valid JSON: unexpected byte at offset ${i}`
  )
}

/** Grows the memory to `bytes` at least; whether it grew (which replaces its buffer). */
function reserve(memory: WebAssembly.Memory, bytes: number): boolean {
  const missing = bytes - memory.buffer.byteLength
  if (missing <= 0) return false
  memory.grow(Math.ceil(missing / PAGE))
  return true
}

function align(offset: number): number {
  return (offset + 7) & ~7
}
