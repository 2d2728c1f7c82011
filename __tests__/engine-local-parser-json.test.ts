import { describe, expect, it } from 'vitest'
import {
  isPlain,
  notJson,
  skipEscape,
  skipLiteral,
  skipNumber,
  skipScalar,
  skipSpace,
  skipString
} from '../src/engine/local/parser/json.js'

const END = 'not valid JSON: unexpected end of the document'
const at = (offset: number): string => `not valid JSON: unexpected byte at offset ${offset}`

/** Runs a scanner from offset `from` of `text`, to the text's end. */
function skip(
  scanner: (b: Uint8Array, i: number, end: number) => number,
  text: string,
  from = 0
): number {
  const bytes = Buffer.from(text)
  return scanner(bytes, from, bytes.length)
}

describe('JSON tokens', () => {
  it('says where the document stops being JSON', () => {
    expect(() => notJson(3, 10)).toThrow(at(3))
    expect(() => notJson(10, 10)).toThrow(END)
  })

  it('skips the four whitespace bytes of JSON, and no other', () => {
    expect(skip(skipSpace, ' \t\r\n x')).toBe(5)
    expect(skip(skipSpace, '   ')).toBe(3)
    expect(skip(skipSpace, '\u000b ')).toBe(0)
    expect(skip(skipSpace, '\u00a0')).toBe(0)
  })

  it.each([
    ['0', 1],
    ['-0', 2],
    ['12.5e-3,', 7],
    ['1E+2]', 4],
    ['-12}', 3],
    // A leading zero ends the number: the caller finds the digit after it out of place.
    ['01', 1]
  ])('skips the number %j to offset %i', (text, end) => {
    expect(skip(skipNumber, text)).toBe(end)
  })

  it.each([
    ['-', END],
    ['-a', at(1)],
    ['1.', END],
    ['1.e5', at(2)],
    ['1e', END],
    ['1e+', END],
    ['1e+x', at(3)]
  ])('rejects the number %j', (text, message) => {
    expect(() => skip(skipNumber, text)).toThrow(message)
  })

  it.each(['"', '\\', '/', 'b', 'f', 'n', 'r', 't'])('skips the escape \\%s', (escape) => {
    expect(skip(skipEscape, `\\${escape}x`, 1)).toBe(2)
  })

  it('skips a \\u escape of four hex digits of either case', () => {
    expect(skip(skipEscape, '\\u00aF"', 1)).toBe(6)
  })

  it.each([
    ['\\x', at(1)],
    ['\\u00g0', at(4)],
    ['\\u12', END],
    ['\\', END]
  ])('rejects the escape %j', (text, message) => {
    expect(() => skip(skipEscape, text, 1)).toThrow(message)
  })

  it.each([
    ['true,', 4],
    ['false]', 5],
    ['null}', 4]
  ])('skips the literal %j to offset %i', (text, end) => {
    expect(skip(skipLiteral, text)).toBe(end)
  })

  it.each([
    ['nul', END],
    ['nulx', at(3)],
    ['True', at(0)],
    ['x', at(0)],
    ['', END]
  ])('rejects the literal %j', (text, message) => {
    expect(() => skip(skipLiteral, text)).toThrow(message)
  })

  it('skips a number or a literal, whichever starts there', () => {
    expect(skip(skipScalar, '-1,')).toBe(2)
    expect(skip(skipScalar, '7]')).toBe(1)
    expect(skip(skipScalar, 'false')).toBe(5)
    expect(() => skip(skipScalar, '}')).toThrow(at(0))
  })

  it('tells four bytes with a quote, a backslash or a control character from four without', () => {
    const bytes = new Uint8Array(4)
    const view = new DataView(bytes.buffer)
    const wrong: string[] = []
    for (let at = 0; at < 4; at++) {
      for (let byte = 0; byte < 256; byte++) {
        bytes.fill(0x61)
        bytes[at] = byte
        const special = byte === 0x22 || byte === 0x5c || byte < 0x20
        if (isPlain(view.getInt32(0, true)) === special) wrong.push(`${byte} at ${at}`)
      }
    }
    expect(wrong).toEqual([])
    expect(isPlain(view.getInt32(0, true))).toBe(true)
  })

  it('skips a string to past its closing quote, wherever its special bytes fall', () => {
    for (let pad = 0; pad < 8; pad++) {
      for (const contents of ['', 'é🚀', '\\"', '\\u00e9\\n', 'plain text']) {
        const text = `"${'x'.repeat(pad)}${contents}"!`
        const bytes = Buffer.from(text)
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
        expect(skipString(bytes, view, 1, bytes.length)).toBe(bytes.length - 1)
      }
    }
  })

  it.each([
    ['"abcdefgh\u0001"', at(9)],
    ['"abcdefg\u001f"', at(8)],
    ['"abcdefgh', END],
    ['"abc\\q"', at(5)],
    ['"abcdefgh\\', END]
  ])('rejects the string %j', (text, message) => {
    const bytes = Buffer.from(text)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
    expect(() => skipString(bytes, view, 1, bytes.length)).toThrow(message)
  })
})
