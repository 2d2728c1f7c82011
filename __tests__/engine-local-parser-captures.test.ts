import { describe, expect, it } from 'vitest'
import {
  ASCII,
  Captures,
  ESCAPED,
  MISSING,
  RAW,
  UTF8
} from '../src/engine/local/parser/captures.js'

/** Captures over `document`, each slot set to a kind and the span of `text` in it. */
function captured(document: string, slots: readonly (readonly [kind: number, text: string])[]) {
  const captures = new Captures(slots.length)
  captures.bytes = Buffer.from(document)
  slots.forEach(([kind, text], slot) => {
    const from = captures.bytes.indexOf(text)
    captures.kinds[slot] = kind
    captures.starts[slot] = from
    captures.ends[slot] = from + Buffer.byteLength(text)
  })
  return captures
}

describe('captured values', () => {
  const captures = captured(
    '{"a":"plain","b":"Über 🚀","c":"tab\\tand \\u00e9","d":[1, {"e":null}],"f":""}',
    [
      [ASCII, 'plain'],
      [UTF8, 'Über 🚀'],
      [ESCAPED, 'tab\\tand \\u00e9'],
      [RAW, '[1, {"e":null}]'],
      [MISSING, 'plain'],
      [ASCII, '']
    ]
  )

  it('decode to the text JSON.parse makes of them, or their compact JSON text, or ""', () => {
    expect(Array.from({ length: 6 }, (_, slot) => captures.decode(slot))).toEqual([
      'plain',
      'Über 🚀',
      'tab\tand é',
      '[1,{"e":null}]',
      '',
      ''
    ])
  })

  it('are present unless absent, null or empty', () => {
    expect(Array.from({ length: 6 }, (_, slot) => captures.present(slot))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false
    ])
  })

  it('compare with an ASCII string however they are written', () => {
    const role = new TextEncoder().encode('AssumedRole')
    const roles = captured('"AssumedRole" "Assumed\\u0052ole" "AssumedRol" "AssumedRoleX"', [
      [ASCII, 'AssumedRole'],
      [ESCAPED, 'Assumed\\u0052ole'],
      [ASCII, 'AssumedRol'],
      [RAW, 'AssumedRole'],
      [MISSING, '']
    ])
    expect(Array.from({ length: 5 }, (_, slot) => roles.holds(slot, role))).toEqual([
      true,
      true,
      false,
      false,
      false
    ])
  })

  it('let go of the document', () => {
    const released = captured('"x"', [[ASCII, 'x']])
    released.release()
    expect(released.bytes.length).toBe(0)
  })
})
