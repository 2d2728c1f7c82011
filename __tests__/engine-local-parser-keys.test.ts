import { describe, expect, it } from 'vitest'
import { KeyTable } from '../src/engine/local/parser/keys.js'

/** Finds the tuple, adding it when it is new; its id. */
function idOf(keys: KeyTable, tuple: readonly number[]): number {
  keys.tuple.set(tuple)
  const id = keys.find()
  return id >= 0 ? id : keys.add()
}

describe('the key table', () => {
  it('gives each distinct tuple an id, in the order first seen', () => {
    const keys = new KeyTable(3)
    keys.tuple.set([1, 2, 3])
    expect(keys.find()).toBe(-1)
    expect(keys.add()).toBe(0)
    expect(keys.find()).toBe(0)
    expect(idOf(keys, [3, 2, 1])).toBe(1)
    expect(idOf(keys, [1, 2, 3])).toBe(0)
    expect(idOf(keys, [1, 2, 4])).toBe(2)
    expect(keys.size).toBe(3)
  })

  it('finds every one of many keys, past its first capacity', () => {
    const keys = new KeyTable(2)
    const ids = Array.from({ length: 5000 }, (_, i) => i)
    expect(ids.map((i) => idOf(keys, [i % 71, i]))).toEqual(ids)
    const found = ids.map((i) => {
      keys.tuple.set([i % 71, i])
      return keys.find()
    })
    expect(found).toEqual(ids)
  })

  it('forgets the newest keys when a file is taken back, and gives their ids again', () => {
    const keys = new KeyTable(1)
    for (let i = 0; i < 100; i++) idOf(keys, [i])
    keys.truncate(40)
    expect(keys.size).toBe(40)
    keys.tuple.set([70])
    expect(keys.find()).toBe(-1)
    for (let i = 0; i < 40; i++) expect(idOf(keys, [i])).toBe(i)
    expect(idOf(keys, [99])).toBe(40)
  })
})
