// The delivery scanner's loop, in AssemblyScript, compiled to WebAssembly by `npm run wasm`
// (scripts/scanner-wasm.ts) into src/engine/local/parser/scanner-wasm.ts. The TypeScript side is
// src/engine/local/parser/scanner.ts, which lays out the memory and turns the results into errors.
//
// Why WebAssembly: the same loop in JavaScript read about 540 MB/s on one thread; here, with
// strings skipped 16 bytes at a time (SIMD), it reads about 1,150 MB/s, copy included, and it was
// half of each parser thread's time.
//
// The memory, laid out by the TypeScript side: the captures (kinds u8, starts and ends i32, by
// slot), the shapes' tables, the frames of the objects that matter, the byte strings that have a
// text id (texts.ts looks values up there), then the document and, after it, one bit per depth
// for the frames' closers.

/** Called after each record, its fields in the captures, while the document is a delivery. */
@external("env", "record")
declare function onRecord(): void

/** The entry of a key with escapes (rare): compared by its text, on the TypeScript side. */
@external("env", "escapedKey")
declare function escapedKey(from: i32, to: i32, shape: i32): i32

const QUOTE: i32 = 0x22
const BACKSLASH: i32 = 0x5c
const COMMA: i32 = 0x2c
const COLON: i32 = 0x3a
const OPEN_OBJECT: i32 = 0x7b
const CLOSE_OBJECT: i32 = 0x7d
const OPEN_ARRAY: i32 = 0x5b
const CLOSE_ARRAY: i32 = 0x5d
const MINUS: i32 = 0x2d
const ZERO: i32 = 0x30
const NINE: i32 = 0x39
const LETTER_N: i32 = 0x6e

// How a captured value reads, as in captures.ts.
const MISSING: u8 = 0
const ASCII: u8 = 1
const UTF8: u8 = 2
const ESCAPED: u8 = 3
const RAW: u8 = 4

// Shapes, as in shapes.ts, and the document's two.
const IGNORED: i32 = 0
const ROOT: i32 = 1
const DOCUMENT: i32 = -1
const RECORDS: i32 = -2

// Why a JSON document is not a delivery (`problem`), as scanner.ts words them.
const NO_RECORDS: i32 = 1
const TWO_RECORDS: i32 = 2
const RECORD_NOT_OBJECT: i32 = 3
const RECORDS_NOT_ARRAY: i32 = 4
const DOCUMENT_NOT_OBJECT: i32 = 5

// The layout (`layout`).
let kinds: usize = 0
let starts: usize = 0
let ends: usize = 0
let slots: i32 = 0
/** By shape, 4 × i32: its table's offset, the table's size less one, its slots' offset, count. */
let shapes: usize = 0
/** By entry, 4 × i32: its key's offset and length, its slot or -1, its value's shape. */
let entries: usize = 0
/**
 * By depth, below `frameCapacity`: the frame's shape and the slot its JSON text goes to. Only the
 * frames of the objects that matter need them, and those are never deeper than the longest
 * captured path (plus the document, `Records` and the record); deeper frames are `IGNORED`.
 */
let frameShapes: usize = 0
let frameSlots: usize = 0
let frameCapacity: i32 = 0

/**
 * The byte strings already made into text ids (texts.ts), by a hash of their bytes: `byteIds`
 * slots of 4 × i32 (hash, the bytes' offset in the arena and length, the id; length -1 where
 * none), and the arena their bytes are copied to. Bounded: once `byteIdLimit` strings or the
 * arena are full, new ones are not remembered.
 */
let byteIds: usize = 0
let byteIdMask: i32 = 0
let byteIdCount: i32 = 0
let byteIdLimit: i32 = 0
let arena: usize = 0
let arenaAt: usize = 0
let arenaEnd: usize = 0
/** The document being scanned, which `findBytes` and `rememberBytes` offsets are into. */
let document: usize = 0

// The state of a scan, read back by the TypeScript side.
let nextShape: i32 = DOCUMENT
let nextSlot: i32 = -1
let elements: i32 = 0
let seenRecords: bool = false
let problem: i32 = 0
/** The `Records` element the problem is about. */
let problemElement: i32 = 0
/** Where the document stops being JSON. */
let errorAt: i32 = 0

export function layout(
  kindsAt: usize,
  startsAt: usize,
  endsAt: usize,
  slotCount: i32,
  shapesAt: usize,
  entriesAt: usize,
  frameShapesAt: usize,
  frameSlotsAt: usize,
  frames: i32
): void {
  kinds = kindsAt
  starts = startsAt
  ends = endsAt
  slots = slotCount
  shapes = shapesAt
  entries = entriesAt
  frameShapes = frameShapesAt
  frameSlots = frameSlotsAt
  frameCapacity = frames
}

/**
 * Lays out the byte strings' table (`slotCount` slots, a power of two, at `table`) and arena
 * (`arenaBytes` at `arenaStart`), empty; at most `limit` strings.
 */
export function layoutByteIds(
  table: usize,
  slotCount: i32,
  limit: i32,
  arenaStart: usize,
  arenaBytes: i32
): void {
  byteIds = table
  byteIdMask = slotCount - 1
  byteIdCount = 0
  byteIdLimit = limit
  arena = arenaStart
  arenaAt = arenaStart
  arenaEnd = arenaStart + arenaBytes
  memory.fill(table, 0xff, <usize>slotCount << 4)
}

/** The text id remembered for the document's bytes from `from` to `to`, or -1. */
export function findBytes(from: i32, to: i32): i32 {
  const at = document + from
  const length = to - from
  const hash = bytesHash(at, length)
  let slot = hash & byteIdMask
  while (true) {
    const entry = byteIds + (<usize>slot << 4)
    const entryLength = load<i32>(entry, 8)
    if (entryLength < 0) return -1
    if (
      load<i32>(entry) == hash &&
      entryLength == length &&
      sameBytes(arena + <usize>load<i32>(entry, 4), at, length)
    ) {
      return load<i32>(entry, 12)
    }
    slot = (slot + 1) & byteIdMask
  }
}

/** Remembers `id` for the document's bytes from `from` to `to`, unless the table is full. */
export function rememberBytes(from: i32, to: i32, id: i32): void {
  const length = to - from
  if (byteIdCount >= byteIdLimit || arenaAt + <usize>length > arenaEnd) return
  const at = document + from
  let slot = bytesHash(at, length) & byteIdMask
  while (load<i32>(byteIds + (<usize>slot << 4), 8) >= 0) slot = (slot + 1) & byteIdMask
  const entry = byteIds + (<usize>slot << 4)
  store<i32>(entry, bytesHash(at, length))
  store<i32>(entry, <i32>(arenaAt - arena), 4)
  store<i32>(entry, length, 8)
  store<i32>(entry, id, 12)
  memory.copy(arenaAt, at, length)
  arenaAt += length
  byteIdCount++
}

/** A hash of `length` bytes at `at`, four at a time. */
@inline
function bytesHash(at: usize, length: i32): i32 {
  let h: u32 = <u32>length * 0x9e3779b1
  let i: i32 = 0
  for (; i + 4 <= length; i += 4) h = rotl<u32>((h ^ load<u32>(at + i)) * 0x85ebca6b, 13)
  let tail: u32 = 0
  for (; i < length; i++) tail = (tail << 8) | load<u8>(at + i)
  h = (h ^ tail) * 0xc2b2ae35
  return <i32>(h ^ (h >>> 16))
}

/** The first byte the layout may use. */
export function heapBase(): usize {
  return __heap_base
}

export function failedAt(): i32 {
  return errorAt
}

export function problemCode(): i32 {
  return problem
}

export function problemElementIndex(): i32 {
  return problemElement
}

/**
 * Reads the document of `n` bytes at `b`, validating it as JSON and capturing each record's
 * fields, with one bit per depth at `closers` (1 for an object). Returns the number of `Records`
 * elements, with `problemCode` set when the document is JSON but not a delivery; or -1 where it
 * stops being JSON (`failedAt`). The same loop as the JavaScript scanner it replaced, with the
 * nesting on an explicit stack.
 */
export function scan(b: usize, n: i32, closers: usize): i32 {
  document = b
  nextShape = DOCUMENT
  nextSlot = -1
  elements = 0
  seenRecords = false
  problem = 0
  problemElement = 0
  let depth: i32 = 0
  let i: i32 = 0
  while (true) {
    i = skipSpace(b, i, n)
    const shape = nextShape
    const slot = nextSlot
    if (shape != IGNORED) {
      nextShape = IGNORED
      expect(shape, i < n ? <i32>load<u8>(b + i) : 0)
    }
    if (slot >= 0) nextSlot = -1
    let c: i32 = i < n ? <i32>load<u8>(b + i) : 0
    if (c == QUOTE) {
      i = slot < 0 ? skipString(b, i + 1, n) : captureString(b, i + 1, n, slot)
      if (i < 0) return -1
    } else if (c == OPEN_OBJECT || c == OPEN_ARRAY) {
      const frameShape = frameShapeOf(c, shape)
      if (frameShape == ROOT) memory.fill(kinds, MISSING, slots)
      if (slot >= 0) store<i32>(starts + (<usize>slot << 2), i)
      const isObject = c == OPEN_OBJECT
      const bits = closers + (<usize>depth >> 3)
      const bit: i32 = 1 << (depth & 7)
      const byte: i32 = load<u8>(bits)
      store<u8>(bits, <u8>(isObject ? byte | bit : byte & ~bit))
      if (depth < frameCapacity) {
        store<i32>(frameShapes + (<usize>depth << 2), frameShape)
        store<i32>(frameSlots + (<usize>depth << 2), slot)
      }
      depth++
      i = skipSpace(b, i + 1, n)
      // On to its first value; or, when it is empty, it closes below like any other.
      if (i >= n || <i32>load<u8>(b + i) != (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i = isObject ? key(b, i, n, frameShape) : element(i, frameShape)
        if (i < 0) return -1
        continue
      }
    } else {
      const from = i
      i = skipScalar(b, i, n)
      if (i < 0) return -1
      if (slot >= 0) capture(slot, c == LETTER_N ? MISSING : RAW, from, i)
    }
    // After a value: close what ends here, or go on to the next key or element.
    while (true) {
      i = skipSpace(b, i, n)
      if (depth == 0) {
        if (i < n) return notJson(i)
        if (!seenRecords) fail(NO_RECORDS)
        return elements
      }
      c = i < n ? <i32>load<u8>(b + i) : 0
      const top = depth - 1
      const inObject = ((<i32>load<u8>(closers + (<usize>top >> 3)) >> (top & 7)) & 1) != 0
      const topShape = top < frameCapacity ? load<i32>(frameShapes + (<usize>top << 2)) : IGNORED
      if (c == COMMA) {
        i = inObject
          ? key(b, skipSpace(b, i + 1, n), n, topShape)
          : element(i + 1, topShape)
        if (i < 0) return -1
        break
      }
      if (i >= n || c != (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return notJson(i)
      i++
      depth = top
      if (top < frameCapacity) {
        const captured = load<i32>(frameSlots + (<usize>top << 2))
        if (captured >= 0) {
          store<u8>(kinds + captured, RAW)
          store<i32>(ends + (<usize>captured << 2), i)
        }
        if (topShape == ROOT && problem == 0) onRecord()
      }
    }
  }
}

function notJson(i: i32): i32 {
  errorAt = i
  return -1
}

function fail(code: i32): void {
  if (problem != 0) return
  problem = code
  problemElement = elements
}

/** Notes what a value must be where it is: the document an object, and so on. */
function expect(shape: i32, c: i32): void {
  if (shape == ROOT) {
    if (c != OPEN_OBJECT) fail(RECORD_NOT_OBJECT)
    elements++
  } else if (shape == RECORDS && c != OPEN_ARRAY) {
    fail(RECORDS_NOT_ARRAY)
  } else if (shape == DOCUMENT && c != OPEN_OBJECT) {
    fail(DOCUMENT_NOT_OBJECT)
  }
}

/** The shape of the frame an object or array opens, where a value of `shape` is expected. */
function frameShapeOf(c: i32, shape: i32): i32 {
  if (c == OPEN_OBJECT) return shape == DOCUMENT || shape > 0 ? shape : IGNORED
  return shape == RECORDS ? RECORDS : IGNORED
}

/** At the element at `i` of an array of shape `frameShape`; notes what it is. */
function element(i: i32, frameShape: i32): i32 {
  if (frameShape == RECORDS) nextShape = ROOT
  return i
}

@inline
function capture(slot: i32, kind: u8, from: i32, to: i32): void {
  store<u8>(kinds + slot, kind)
  store<i32>(starts + (<usize>slot << 2), from)
  store<i32>(ends + (<usize>slot << 2), to)
}

@inline
function skipSpace(b: usize, i: i32, n: i32): i32 {
  while (i < n) {
    const c = <i32>load<u8>(b + i)
    if (c > 0x20 || (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09)) return i
    i++
  }
  return i
}

/** Past one escape; `i` is just after its backslash. */
function skipEscape(b: usize, i: i32, n: i32): i32 {
  const c: i32 = i < n ? <i32>load<u8>(b + i) : 0
  if (c == 0x75) {
    for (let j = i + 1; j <= i + 4; j++) {
      if (!isHexDigit(j < n ? <i32>load<u8>(b + j) : 0)) return notJson(j)
    }
    return i + 5
  }
  // " \ / b f n r t
  if (
    c == QUOTE ||
    c == BACKSLASH ||
    c == 0x2f ||
    c == 0x62 ||
    c == 0x66 ||
    c == 0x6e ||
    c == 0x72 ||
    c == 0x74
  ) {
    return i + 1
  }
  return notJson(i)
}

function isHexDigit(c: i32): bool {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

/** The offset of the first quote, backslash or control byte at or after `i`, or `n`. */
@inline
function special(b: usize, i: i32, n: i32): i32 {
  const quotes = i8x16.splat(<i8>QUOTE)
  const backslashes = i8x16.splat(<i8>BACKSLASH)
  const controls = i8x16.splat(0x20)
  while (i + 16 <= n) {
    const v = v128.load(b + i)
    const found = v128.or(
      v128.or(i8x16.eq(v, quotes), i8x16.eq(v, backslashes)),
      i8x16.lt_u(v, controls)
    )
    const bits = i8x16.bitmask(found)
    if (bits != 0) return i + ctz(bits)
    i += 16
  }
  while (i < n) {
    const c = <i32>load<u8>(b + i)
    if (c == QUOTE || c == BACKSLASH || c < 0x20) return i
    i++
  }
  return i
}

/** Whether the last string `stringEnd` read has escapes. */
let escaped: bool = false

/** The offset of the closing quote of the string whose contents start at `i`; or -1. */
@inline
function stringEnd(b: usize, i: i32, n: i32): i32 {
  escaped = false
  while (true) {
    i = special(b, i, n)
    if (i >= n) return notJson(i)
    const c = <i32>load<u8>(b + i)
    if (c == QUOTE) return i
    if (c < 0x20) return notJson(i)
    i = skipEscape(b, i + 1, n)
    if (i < 0) return -1
    escaped = true
  }
}

/** Past a string whose contents start at `i`: the offset after its closing quote; or -1. */
function skipString(b: usize, i: i32, n: i32): i32 {
  const end = stringEnd(b, i, n)
  return end < 0 ? -1 : end + 1
}

/** Captures the string whose contents start at `i`; returns the offset past its closing quote. */
function captureString(b: usize, i: i32, n: i32, slot: i32): i32 {
  const end = stringEnd(b, i, n)
  if (end < 0) return -1
  capture(slot, escaped ? ESCAPED : hasHighByte(b, i, end) ? UTF8 : ASCII, i, end)
  return end + 1
}

/** Whether a byte from `i` to `to` is 0x80 or more (not ASCII). */
function hasHighByte(b: usize, i: i32, to: i32): bool {
  while (i + 16 <= to) {
    if (i8x16.bitmask(v128.load(b + i)) != 0) return true
    i += 16
  }
  while (i < to) {
    if (load<u8>(b + i) >= 0x80) return true
    i++
  }
  return false
}

/**
 * Reads the key at `i` of an object of shape `frameShape`, and the colon after it; notes what its
 * value is. Returns the offset of the value, or -1.
 */
function key(b: usize, i: i32, n: i32, frameShape: i32): i32 {
  if (i >= n || <i32>load<u8>(b + i) != QUOTE) return notJson(i)
  const from = i + 1
  const end = stringEnd(b, from, n)
  if (end < 0) return -1
  if (frameShape != IGNORED) matchKey(b, from, end, frameShape)
  i = skipSpace(b, end + 1, n)
  if (i >= n || <i32>load<u8>(b + i) != COLON) return notJson(i)
  return skipSpace(b, i + 1, n)
}

/** Notes what the value of the key between `from` and `to`, in an object that matters, is. */
function matchKey(b: usize, from: i32, to: i32, frameShape: i32): void {
  if (frameShape == DOCUMENT) {
    const isRecords = escaped
      ? escapedKey(from, to, DOCUMENT) >= 0
      : to - from == 7 &&
        load<u32>(b + from) == 0x6f636552 && // "Reco"
        load<u16>(b + from, 4) == 0x6472 && // "rd"
        load<u8>(b + from, 6) == 0x73 // "s"
    if (!isRecords) return
    if (seenRecords) fail(TWO_RECORDS)
    else nextShape = RECORDS
    seenRecords = true
    return
  }
  const entry = escaped ? escapedKey(from, to, frameShape) : entryOf(b, from, to, frameShape)
  if (entry < 0) return
  const at = entries + (<usize>entry << 4)
  const nested = load<i32>(at, 12)
  if (nested != IGNORED) {
    // The last of repeated keys wins, as with JSON.parse: what an earlier one set is gone.
    const shape = shapes + (<usize>nested << 4)
    const under = <usize>load<i32>(shape, 8)
    const count = load<i32>(shape, 12)
    for (let k = 0; k < count; k++) {
      store<u8>(kinds + <usize>load<i32>(under + (<usize>k << 2)), MISSING)
    }
    nextShape = nested
  }
  nextSlot = load<i32>(at, 8)
}

/** The entry of a key without escapes, or -1: shapes.ts builds the tables, with the same hash. */
function entryOf(b: usize, from: i32, to: i32, shape: i32): i32 {
  const at = shapes + (<usize>shape << 4)
  const table = <usize>load<i32>(at, 0)
  const mask = load<i32>(at, 4)
  const length = to - from
  let slot = keyHash(b, from, length) & mask
  while (true) {
    const entry = load<i32>(table + (<usize>slot << 2))
    if (entry < 0) return -1
    const name = entries + (<usize>entry << 4)
    if (load<i32>(name, 4) == length && sameBytes(<usize>load<i32>(name, 0), b + from, length)) {
      return entry
    }
    slot = (slot + 1) & mask
  }
}

/** Whether the `length` bytes at `a` and at `b` are the same: eight at a time, then one by one. */
@inline
function sameBytes(a: usize, b: usize, length: i32): bool {
  let i: i32 = 0
  for (; i + 8 <= length; i += 8) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false
  }
  for (; i < length; i++) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false
  }
  return true
}

/** shapes.ts's `keyHash`: the key's length and its first, middle and last bytes. */
@inline
function keyHash(b: usize, from: i32, length: i32): i32 {
  if (length == 0) return 0
  const first = <i32>load<u8>(b + from)
  const middle = <i32>load<u8>(b + from + (length >> 1))
  const last = <i32>load<u8>(b + from + length - 1)
  const h = (length ^ (first << 8) ^ (middle << 16) ^ (last << 24)) * <i32>0x9e3779b1
  return h ^ (h >>> 15)
}

/** Past any scalar other than a string: a number or a literal; or -1. */
function skipScalar(b: usize, i: i32, n: i32): i32 {
  const c: i32 = i < n ? <i32>load<u8>(b + i) : 0
  return c == MINUS || (c >= ZERO && c <= NINE) ? skipNumber(b, i, n) : skipLiteral(b, i, n, c)
}

/** Past a number, from its first byte (a minus or a digit); or -1. */
function skipNumber(b: usize, i: i32, n: i32): i32 {
  if (<i32>load<u8>(b + i) == MINUS) i++
  if (i < n && <i32>load<u8>(b + i) == ZERO) i++
  else i = skipDigits(b, i, n)
  if (i < 0) return -1
  if (i < n && <i32>load<u8>(b + i) == 0x2e) i = skipDigits(b, i + 1, n)
  if (i < 0) return -1
  const e: i32 = i < n ? <i32>load<u8>(b + i) : 0
  if (e == 0x65 || e == 0x45) {
    i++
    const sign: i32 = i < n ? <i32>load<u8>(b + i) : 0
    if (sign == 0x2b || sign == MINUS) i++
    i = skipDigits(b, i, n)
  }
  return i
}

/** Past one digit or more; or -1. */
function skipDigits(b: usize, i: i32, n: i32): i32 {
  let c: i32 = i < n ? <i32>load<u8>(b + i) : 0
  if (c < ZERO || c > NINE) return notJson(i)
  do c = ++i < n ? <i32>load<u8>(b + i) : 0
  while (c >= ZERO && c <= NINE)
  return i
}

/** Past `true`, `false` or `null`, from its first byte `c`; or -1. */
function skipLiteral(b: usize, i: i32, n: i32, c: i32): i32 {
  // The word's bytes, the first in the lowest.
  let word: u64 = 0
  let length: i32 = 0
  if (c == 0x74) {
    word = 0x65757274 // true
    length = 4
  } else if (c == 0x66) {
    word = 0x65736c6166 // false
    length = 5
  } else if (c == LETTER_N) {
    word = 0x6c6c756e // null
    length = 4
  } else {
    return notJson(i)
  }
  for (let j = 0; j < length; j++, i++) {
    if (i >= n || <u64>load<u8>(b + i) != ((word >> (<u64>j << 3)) & 0xff)) return notJson(i)
  }
  return i
}
