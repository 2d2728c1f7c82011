import { describe, expect, it } from 'vitest'
import { IGNORED, ROOT, Shapes } from '../src/engine/local/parser/shapes.js'

const PATHS = [
  ['eventName'],
  ['userIdentity', 'arn'],
  ['userIdentity', 'sessionContext', 'sessionIssuer', 'arn'],
  ['requestParameters'],
  ['requestParameters', 'userName'],
  ['userIdentity', 'type']
]

/** What the key `key` of an object of `shape` leads to: its slot and its value's shape. */
function target(shapes: Shapes, shape: number, key: string) {
  const entry = shapes.entryOfKey(key, shape)
  return entry < 0 ? undefined : { slot: shapes.slotOf[entry], shape: shapes.shapeOf[entry] }
}

describe('the shapes of the captured fields', () => {
  const shapes = new Shapes(PATHS)
  const identity = target(shapes, ROOT, 'userIdentity')?.shape as number
  const parameters = target(shapes, ROOT, 'requestParameters')?.shape as number

  it('maps a key of the record to the slot of its path, its index in the list', () => {
    expect(target(shapes, ROOT, 'eventName')).toEqual({ slot: 0, shape: IGNORED })
  })

  it('maps a key that paths go through to the shape of its value, with no slot of its own', () => {
    expect(target(shapes, ROOT, 'userIdentity')).toEqual({ slot: -1, shape: identity })
    expect(identity).toBeGreaterThan(ROOT)
    expect(target(shapes, identity, 'arn')).toEqual({ slot: 1, shape: IGNORED })
    expect(target(shapes, identity, 'type')).toEqual({ slot: 5, shape: IGNORED })
    const session = target(shapes, identity, 'sessionContext')?.shape as number
    const issuer = target(shapes, session, 'sessionIssuer')?.shape as number
    expect(target(shapes, issuer, 'arn')).toEqual({ slot: 2, shape: IGNORED })
    expect(shapes.count).toBe(6)
  })

  it('maps a key whose path is a prefix of another to both a slot and a shape', () => {
    expect(target(shapes, ROOT, 'requestParameters')).toEqual({ slot: 3, shape: parameters })
    expect(target(shapes, parameters, 'userName')).toEqual({ slot: 4, shape: IGNORED })
  })

  it('knows no other key, nor a key of another shape', () => {
    expect(target(shapes, ROOT, 'eventname')).toBeUndefined()
    expect(target(shapes, ROOT, 'eventTime')).toBeUndefined()
    expect(target(shapes, ROOT, 'arn')).toBeUndefined()
    expect(target(shapes, identity, 'eventName')).toBeUndefined()
    expect(target(shapes, IGNORED, 'eventName')).toBeUndefined()
  })

  it('puts each entry once in the table of its shape, a table at least twice as large', () => {
    const placed: number[] = []
    shapes.tables.forEach((table, shape) => {
      const entries = [...table].filter((entry) => entry >= 0)
      for (const entry of entries) {
        const key = Buffer.from(shapes.names[entry] as Uint8Array).toString()
        expect(shapes.entryOfKey(key, shape)).toBe(entry)
      }
      expect(table.length).toBeGreaterThanOrEqual(entries.length * 2)
      placed.push(...entries)
    })
    expect(placed.sort((a, b) => a - b)).toEqual(shapes.names.map((_, entry) => entry))
  })

  it('knows the longest path', () => {
    expect(shapes.deepest).toBe(4)
    expect(new Shapes([]).deepest).toBe(0)
  })

  it('lists the slots under each shape, which a repeated key clears', () => {
    expect(shapes.slotsUnder[identity]?.slice().sort((a, b) => a - b)).toEqual([1, 2, 5])
    expect(shapes.slotsUnder[parameters]).toEqual([4])
    expect(shapes.slotsUnder[ROOT]?.slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('refuses a field captured twice, and a field without a path', () => {
    expect(
      () =>
        new Shapes([
          ['a', 'b'],
          ['a', 'b']
        ])
    ).toThrow('The field a.b is captured twice')
    expect(() => new Shapes([[]])).toThrow('A captured field needs a path of one key or more')
  })
})
