import { describe, expect, it, vi } from 'vitest'
import {
  ASCII,
  Captures,
  ESCAPED,
  MISSING,
  RAW,
  UTF8
} from '../src/engine/local/parser/captures.js'
import { DeliveryScanner } from '../src/engine/local/parser/scanner.js'
import { Shapes } from '../src/engine/local/parser/shapes.js'
import { Texts } from '../src/engine/local/parser/texts.js'

/** Captures of one slot: `text`, of `kind`, in a document of its own. */
function value(kind: number, text: string): Captures {
  const captures = new Captures(1)
  captures.bytes = Buffer.from(`"${text}"`)
  captures.kinds[0] = kind
  captures.starts[0] = 1
  captures.ends[0] = 1 + Buffer.byteLength(text)
  return captures
}

describe('the texts of a parser', () => {
  it('give "" the id 0, and an absent value too', () => {
    const texts = new Texts()
    expect(texts.idOfText('')).toBe(0)
    expect(texts.idOf(value(MISSING, 'ignored'), 0)).toBe(0)
  })

  it('give each distinct text one id, however its value was written', () => {
    const texts = new Texts()
    const plain = texts.idOf(value(ASCII, 'ListBuckets'), 0)
    expect(texts.idOf(value(ASCII, 'ListBuckets'), 0)).toBe(plain)
    expect(texts.idOf(value(ESCAPED, 'List\\u0042uckets'), 0)).toBe(plain)
    expect(texts.idOfText('ListBuckets')).toBe(plain)
    expect(texts.idOf(value(UTF8, 'Über'), 0)).toBe(texts.idOfText('Über'))
    expect(texts.idOf(value(RAW, '403'), 0)).toBe(texts.idOf(value(ASCII, '403'), 0))
    expect(texts.texts).toEqual(['', 'ListBuckets', 'Über', '403'])
  })

  it('find the ids of values seen before in the scanner, past the number it remembers, and after it lets go of its memory', () => {
    const texts = new Texts()
    const captures = new Captures(1)
    const scanner = new DeliveryScanner(new Shapes([['eventName']]), captures)
    const idsOf = (names: readonly string[]): number[] => {
      const ids: number[] = []
      scanner.load(
        Buffer.from(JSON.stringify({ Records: names.map((eventName) => ({ eventName })) }))
      )
      scanner.scan(() => ids.push(texts.idOf(captures, 0)))
      return ids
    }
    const names = Array.from({ length: 70_000 }, (_, i) => `value-${i}`)
    const ids = idsOf(names)
    expect(ids.findIndex((id, i) => id !== i + 1)).toBe(-1)
    // Remembered (the first 65,536: no string made again), and not: the same ids either way.
    const decode = vi.spyOn(captures, 'decode')
    expect(idsOf(['value-0', 'value-65535'])).toEqual([1, 65_536])
    expect(decode).not.toHaveBeenCalled()
    expect(idsOf(['value-69999', 'value-65536'])).toEqual([70_000, 65_537])
    expect(decode).toHaveBeenCalledTimes(2)
    decode.mockRestore()
    // A document past 32 MiB: the scanner starts again with a memory that remembers nothing.
    const large = idsOf(['value-7', 'x'.repeat(40_000_000), 'value-8'])
    expect(idsOf(['value-8', 'value-7', 'new'])).toEqual([large[2], large[0], 70_002])
    expect(texts.texts.slice(-2)).toEqual(['x'.repeat(40_000_000), 'new'])
  })
})
