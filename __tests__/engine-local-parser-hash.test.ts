import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Hash64 } from '../src/engine/local/parser/hash.js'

const hashOf = (hash: Hash64): [number, number] => [hash.high, hash.low]

describe('the 64-bit hash of event ids', () => {
  it('is the same in every thread and every run: these values', () => {
    const hash = new Hash64()
    hash.ofString('e1', 0x243f6a88, 0x85a308d3)
    expect(hashOf(hash)).toEqual([1383212610, 1247728830])
    hash.ofString('ab-é', 1, 2)
    expect(hashOf(hash)).toEqual([1602458722, 2807476062])
  })

  it('is the same of ASCII bytes as of their text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary-ascii' }),
        fc.integer(),
        fc.integer(),
        (text, seedHigh, seedLow) => {
          const fromText = new Hash64()
          fromText.ofString(text, seedHigh, seedLow)
          const fromBytes = new Hash64()
          const bytes = Buffer.from(` ${text} `, 'latin1')
          fromBytes.ofBytes(bytes, 1, bytes.length - 1, seedHigh, seedLow)
          expect(hashOf(fromBytes)).toEqual(hashOf(fromText))
        }
      )
    )
  })

  it('differs with the seed: the same event id under two keys is two events', () => {
    const a = new Hash64()
    const b = new Hash64()
    a.ofString('e1', 1, 2)
    b.ofString('e1', 1, 3)
    expect(hashOf(a)).not.toEqual(hashOf(b))
  })
})
