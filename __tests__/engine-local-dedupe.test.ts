import { describe, expect, it } from 'vitest'
import { EventIdSet } from '../src/engine/local/dedupe.js'
import { Random } from '../scripts/generator/random.js'

describe('EventIdSet', () => {
  it('adds a hash once', () => {
    const set = new EventIdSet()
    expect(set.add(1, 2)).toBe(true)
    expect(set.add(1, 2)).toBe(false)
    expect(set.add(2, 1)).toBe(true)
    expect(set.size).toBe(2)
  })

  it('keeps the hash that equals its empty mark apart from the others', () => {
    const set = new EventIdSet()
    expect(set.add(0, 0)).toBe(true)
    expect(set.add(0, 0)).toBe(false)
    expect(set.add(1, 0)).toBe(true)
    expect(set.size).toBe(2)
  })

  it('keeps every hash through its resizes, in at most 24 bytes each', () => {
    const set = new EventIdSet()
    const random = new Random(3)
    const hashes: [number, number][] = []
    for (let i = 0; i < 300_000; i++) {
      hashes.push([Math.floor(random.next() * 2 ** 32), Math.floor(random.next() * 2 ** 32)])
    }
    expect(hashes.every(([high, low]) => set.add(high, low))).toBe(true)
    expect(hashes.some(([high, low]) => set.add(high, low))).toBe(false)
    expect(set.size).toBe(300_000)
    expect(set.bytes / set.size).toBeLessThanOrEqual(24)
  })
})
