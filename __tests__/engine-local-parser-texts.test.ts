import { describe, expect, it } from 'vitest'
import {
  ASCII,
  Captures,
  ESCAPED,
  MISSING,
  RAW,
  UTF8
} from '../src/engine/local/parser/captures.js'
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

  it('keep giving the right ids past the number of byte forms they remember', () => {
    const texts = new Texts()
    const values = Array.from({ length: 70_000 }, (_, i) => `"value-${i}"`).join('')
    const captures = value(ASCII, values.slice(1, -1))
    const ids = Array.from({ length: 70_000 }, () => {
      captures.ends[0] = captures.bytes.indexOf('"', captures.starts[0])
      const id = texts.idOf(captures, 0)
      captures.starts[0] = (captures.ends[0] as number) + 2
      return id
    })
    expect(ids.findIndex((id, i) => id !== i + 1)).toBe(-1)
    expect(texts.idOf(value(ASCII, 'value-69999'), 0)).toBe(70_000)
    expect(texts.idOf(value(ASCII, 'value-0'), 0)).toBe(1)
    expect(texts.texts[texts.idOf(value(ASCII, 'value-69998'), 0)]).toBe('value-69998')
  })
})
