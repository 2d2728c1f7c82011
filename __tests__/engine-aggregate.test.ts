import { describe, expect, it } from 'vitest'
import { aggregateRow, compareEvidence, type Evidence } from '../src/engine/aggregate.js'
import { compareText } from '../src/text-order.js'

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

describe('aggregateRow', () => {
  const where = (): string => 'line 2 of the result of Athena query q-1'
  const KEY = ['1', 'r', 's', 'n', 'd', '', 't', 'p', 'a', 'x']

  it('reads a result row: its count, times and evidence', () => {
    const evidence = JSON.stringify([['2026-11-22T10:00:00Z', 'e-1', 'ip', 'ua', 'arn', '{}']])
    expect(aggregateRow([...KEY, '3', '5', 'f', 'l', evidence], where)).toEqual({
      account: '1',
      region: 'r',
      eventsource: 's',
      eventname: 'n',
      eventdate: 'd',
      errorcode: '',
      identitytype: 't',
      principal: 'p',
      actor: 'a',
      rules: 'x',
      events: 3,
      records: 5,
      first: 'f',
      last: 'l',
      evidence: [
        {
          eventtime: '2026-11-22T10:00:00Z',
          eventid: 'e-1',
          sourceipaddress: 'ip',
          useragent: 'ua',
          resources: 'arn',
          requestparameters: '{}'
        }
      ]
    })
    expect(aggregateRow([...KEY, '3', '3', '', '', ''], where).evidence).toEqual([])
  })

  it.each([
    ['[[', 'not valid JSON'],
    ['{}', 'not an array'],
    ['[["a"]]', 'not so at item 1'],
    ['[["a","b","c","d","e",null]]', 'not so at item 1']
  ])('refuses the evidence %s, naming where it is', (evidence, why) => {
    expect(() => aggregateRow([...KEY, '3', '3', '', '', evidence], where)).toThrow(
      `line 2 of the result of Athena query q-1: evidence is not a JSON array of arrays of 6 strings (${why}`
    )
  })

  it.each([
    ['events', ['many', '3']],
    ['records', ['3', '-1']]
  ])('refuses %s that is not a whole number, naming where it is', (name, counts) => {
    const value = name === 'events' ? counts[0] : counts[1]
    expect(() => aggregateRow([...KEY, ...counts, '', '', ''], where)).toThrow(
      `line 2 of the result of Athena query q-1: ${name} is ${JSON.stringify(value)}, not a whole number`
    )
  })

  it('refuses a row of other length, naming where it is', () => {
    expect(() => aggregateRow(KEY, where)).toThrow(
      'line 2 of the result of Athena query q-1 has 10 values; expected 15'
    )
  })
})
