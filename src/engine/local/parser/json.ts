/**
 * The bytes of JSON's grammar (RFC 8259) and scanners of its tokens: whitespace, strings, escapes,
 * numbers and the three literals. Each takes the document, the offset where the token starts and
 * the document's end, and returns the offset just past the token, or throws the error that says
 * where the document stops being JSON.
 */

export const QUOTE = 0x22
export const BACKSLASH = 0x5c
export const COMMA = 0x2c
export const COLON = 0x3a
export const OPEN_OBJECT = 0x7b
export const CLOSE_OBJECT = 0x7d
export const OPEN_ARRAY = 0x5b
export const CLOSE_ARRAY = 0x5d
export const MINUS = 0x2d
export const ZERO = 0x30
export const NINE = 0x39
/** The first byte of `null`. */
export const LETTER_N = 0x6e

const TRUE = new TextEncoder().encode('true')
const FALSE = new TextEncoder().encode('false')
const NULL = new TextEncoder().encode('null')

/** Stops at offset `i`: the document is not JSON. */
export function notJson(i: number, end: number): never {
  throw new Error(
    i >= end
      ? 'not valid JSON: unexpected end of the document'
      : `not valid JSON: unexpected byte at offset ${i}`
  )
}

/** The offset of the first byte at or after `i` that is not whitespace. */
export function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i] as number
    if (c > 0x20 || (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)) return i
    i++
  }
  return i
}

/** Past one escape; `i` is just after its backslash. */
export function skipEscape(b: Uint8Array, i: number, end: number): number {
  const c = i < end ? (b[i] as number) : 0
  if (c === 0x75) {
    for (let j = i + 1; j <= i + 4; j++)
      if (!isHexDigit(j < end ? (b[j] as number) : 0)) notJson(j, end)
    return i + 5
  }
  // " \ / b f n r t
  if (
    c === QUOTE ||
    c === BACKSLASH ||
    c === 0x2f ||
    c === 0x62 ||
    c === 0x66 ||
    c === 0x6e ||
    c === 0x72 ||
    c === 0x74
  ) {
    return i + 1
  }
  return notJson(i, end)
}

function isHexDigit(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

/**
 * Whether none of the four bytes of `v` is a quote, a backslash or a control character: bytes
 * read four at a time, with the bit tricks of "Bit Twiddling Hacks" (a byte that is zero after
 * the XOR, or below 0x20, sets its high bit in the result).
 */
export function isPlain(v: number): boolean {
  const quote = v ^ 0x22222222
  const backslash = v ^ 0x5c5c5c5c
  const special =
    ((quote - 0x01010101) & ~quote) |
    ((backslash - 0x01010101) & ~backslash) |
    ((v - 0x20202020) & ~v)
  return (special & 0x80808080) === 0
}

/**
 * Past a string whose contents start at `i`: the offset after its closing quote. `view` is a
 * `DataView` of `b`. The hot loop: most of a log file is strings no one reads.
 */
export function skipString(b: Uint8Array, view: DataView, i: number, end: number): number {
  let c = 0
  for (;;) {
    while (i + 4 <= end && isPlain(view.getInt32(i, true))) i += 4
    while (i < end) {
      c = b[i] as number
      if (c === QUOTE || c === BACKSLASH || c < 0x20) break
      i++
    }
    if (i >= end || c < 0x20) notJson(i, end)
    if (c === QUOTE) return i + 1
    i = skipEscape(b, i + 1, end)
  }
}

/** Past a number, from its first byte (a minus or a digit). */
export function skipNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === MINUS) i++
  if (i < end && b[i] === ZERO) i++
  else i = skipDigits(b, i, end)
  if (i < end && b[i] === 0x2e) i = skipDigits(b, i + 1, end)
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++
    if (i < end && (b[i] === 0x2b || b[i] === MINUS)) i++
    i = skipDigits(b, i, end)
  }
  return i
}

/** Past one digit or more. */
function skipDigits(b: Uint8Array, i: number, end: number): number {
  let c = i < end ? (b[i] as number) : 0
  if (c < ZERO || c > NINE) notJson(i, end)
  do c = ++i < end ? (b[i] as number) : 0
  while (c >= ZERO && c <= NINE)
  return i
}

/** Past `true`, `false` or `null`, from its first byte. */
export function skipLiteral(b: Uint8Array, i: number, end: number): number {
  const c = b[i]
  const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === LETTER_N ? NULL : undefined
  if (word === undefined) return notJson(i, end)
  for (let j = 0; j < word.length; j++, i++) if (i >= end || b[i] !== word[j]) notJson(i, end)
  return i
}

/** Past any scalar other than a string: a number or a literal. */
export function skipScalar(b: Uint8Array, i: number, end: number): number {
  const c = i < end ? (b[i] as number) : 0
  return c === MINUS || (c >= ZERO && c <= NINE) ? skipNumber(b, i, end) : skipLiteral(b, i, end)
}
