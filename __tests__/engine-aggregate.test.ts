import { describe, expect, it } from 'vitest'
import { compareEvidence, compareText, type Evidence } from '../src/engine/aggregate.js'

describe('compareText', () => {
  it('orders by code point, as Athena and DuckDB compare text', () => {
    // U+FF5E (a BMP character) before U+1F600 (a pair of surrogates), unlike JavaScript's `<`.
    const bmp = '\uff5e'
    const astral = '\u{1f600}'
    expect(astral < bmp).toBe(true)
    expect(compareText(bmp, astral)).toBeLessThan(0)
    expect(compareText(astral, bmp)).toBeGreaterThan(0)
    expect(['b', 'a', 'ab', '', astral, bmp].sort(compareText)).toEqual([
      '',
      'a',
      'ab',
      'b',
      bmp,
      astral
    ])
  })
})

describe('compareEvidence', () => {
  const base: Evidence = {
    eventtime: '2026-11-22T10:00:00Z',
    eventid: 'b',
    sourceipaddress: '',
    useragent: '',
    resources: '',
    requestparameters: ''
  }

  it('orders by time, then event id, then the other fields in order', () => {
    expect(compareEvidence(base, { ...base, eventtime: '2026-11-22T09:59:59Z' })).toBeGreaterThan(0)
    expect(compareEvidence(base, { ...base, eventid: 'a' })).toBeGreaterThan(0)
    expect(compareEvidence(base, { ...base, requestparameters: '{}' })).toBeLessThan(0)
    expect(compareEvidence(base, { ...base })).toBe(0)
  })
})
