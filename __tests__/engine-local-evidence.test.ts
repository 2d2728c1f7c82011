import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareEvidence, type Evidence } from '../src/engine/aggregate.js'
import { EvidenceList } from '../src/engine/local/evidence.js'

const item = (eventtime: string, eventid: string, sourceipaddress = ''): Evidence => ({
  eventtime,
  eventid,
  sourceipaddress,
  useragent: '',
  resources: '',
  requestparameters: ''
})

const listOf = (limit: number, dedupe: boolean, items: readonly Evidence[]): Evidence[] => {
  const list = new EvidenceList(limit, dedupe)
  for (const added of items) list.add(added)
  return list.items
}

/** What the query keeps: each event's smallest item (with dedupe), then the `limit` smallest. */
function expected(limit: number, dedupe: boolean, items: readonly Evidence[]): Evidence[] {
  const events = new Map<string, Evidence>()
  const each: Evidence[] = []
  for (const added of items) {
    if (!dedupe || added.eventid === '') {
      each.push(added)
      continue
    }
    const kept = events.get(added.eventid)
    if (kept === undefined || compareEvidence(added, kept) < 0) events.set(added.eventid, added)
  }
  return [...each, ...events.values()].sort(compareEvidence).slice(0, limit)
}

describe('the evidence of a row', () => {
  it('keeps the earliest items, up to the limit, in order', () => {
    const items = ['05', '01', '04', '02', '03'].map((time) => item(time, `e${time}`))
    expect(listOf(3, false, items).map((kept) => kept.eventid)).toEqual(['e01', 'e02', 'e03'])
    expect(listOf(0, false, items)).toEqual([])
  })

  it('with dedupe, keeps one item per eventID, its smallest, and every item without one', () => {
    const items = [
      item('02', 'a', 'z'),
      item('02', 'a', 'b'),
      item('03', 'a'),
      item('04', ''),
      item('04', '')
    ]
    expect(listOf(10, true, items)).toEqual([item('02', 'a', 'b'), item('04', ''), item('04', '')])
    expect(listOf(10, false, items)).toHaveLength(5)
  })

  it('finds an event again in a long list, by its eventID', () => {
    const first = Array.from({ length: 40 }, (_, i) => item('05', `e${i}`, 'late'))
    const again = Array.from({ length: 40 }, (_, i) => item(i % 2 === 0 ? '01' : '09', `e${i}`))
    const kept = listOf(50, true, [...first, ...again])
    expect(kept).toHaveLength(40)
    expect(kept.map((one) => one.eventtime).filter((time) => time === '01')).toHaveLength(20)
    expect(kept).toEqual(expected(50, true, [...first, ...again]))
  })

  it('keeps an event that comes back smaller after it was dropped past the limit', () => {
    const items = [item('01', 'x'), item('09', 'late'), item('02', 'y'), item('00', 'late')]
    expect(listOf(2, true, items).map((kept) => kept.eventid)).toEqual(['late', 'x'])
  })

  it('admits an item only when it may be kept: room left, or not later than the last', () => {
    const list = new EvidenceList(2, true)
    expect(list.admits('99')).toBe(true)
    list.add(item('01', 'a'))
    list.add(item('03', 'b'))
    expect([list.admits('02'), list.admits('03'), list.admits('04')]).toEqual([true, true, false])
    expect(new EvidenceList(0, false).admits('')).toBe(false)
  })

  it('gives what the query gives, whatever the order and the partial lists it is merged from', () => {
    const evidence = fc.record({
      eventtime: fc.constantFrom('01', '02', '03'),
      eventid: fc.oneof(fc.constantFrom('', 'a', 'b'), fc.integer({ min: 0, max: 80 }).map(String)),
      sourceipaddress: fc.constantFrom('x', 'y')
    })
    fc.assert(
      fc.property(
        fc.array(evidence, { maxLength: 120 }),
        fc.integer({ min: 0, max: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        (partial, limit, dedupe, parts) => {
          const items = partial.map((p) => item(p.eventtime, p.eventid, p.sourceipaddress))
          // Split into partial lists, each kept to the limit, then merged: as files and threads.
          const merged = new EvidenceList(limit, dedupe)
          for (let part = 0; part < parts; part++) {
            const some = items.filter((_, i) => i % parts === part)
            for (const kept of listOf(limit, dedupe, some)) merged.add(kept)
          }
          expect(merged.items).toEqual(expected(limit, dedupe, items))
          expect(listOf(limit, dedupe, [...items].reverse())).toEqual(
            expected(limit, dedupe, items)
          )
        }
      )
    )
  })
})
