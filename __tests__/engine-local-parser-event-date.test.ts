import { describe, expect, it } from 'vitest'
import { ASCII, Captures, ESCAPED, MISSING, RAW } from '../src/engine/local/parser/captures.js'
import { EventDates, isoDate } from '../src/engine/local/parser/event-date.js'
import { Texts } from '../src/engine/local/parser/texts.js'

/** The date `EventDates` gives a captured `eventTime`. */
function dateOf(dates: EventDates, texts: Texts, kind: number, time: string): string {
  const captures = new Captures(1)
  captures.bytes = Buffer.from(`"${time}"`)
  captures.kinds[0] = kind
  captures.starts[0] = 1
  captures.ends[0] = 1 + Buffer.byteLength(time)
  return texts.texts[dates.idOf(captures, 0)] as string
}

describe('the date of an eventTime', () => {
  it.each([
    ['2026-11-01T23:59:59Z', '2026-11-01'],
    ['2024-02-29T00:00:00Z', '2024-02-29'],
    ['2026-02-29T00:00:00Z', ''],
    ['2100-02-29T00:00:00Z', ''],
    ['2000-02-29T00:00:00Z', '2000-02-29'],
    ['2026-04-31T00:00:00Z', ''],
    ['2026-13-01T00:00:00Z', ''],
    ['2026-11-01T24:00:00Z', ''],
    ['2026-11-01T23:60:00Z', ''],
    ['2026-11-01T23:59:60Z', ''],
    ['2026-11-01 10:00:00Z', ''],
    ['2026-1a-01T10:00:00Z', '']
  ])('reads CloudTrail’s own form %j from its bytes as %j', (time, date) => {
    const texts = new Texts()
    expect(dateOf(new EventDates(texts), texts, ASCII, time)).toBe(date)
  })

  it('reads any other form as ISO-8601, and nothing as no date', () => {
    const texts = new Texts()
    const dates = new EventDates(texts)
    expect(dateOf(dates, texts, ASCII, '2026-11-02T01:30:00+02:00')).toBe('2026-11-01')
    expect(dateOf(dates, texts, ESCAPED, '2026-11-01T10:00:00\\u005a')).toBe('2026-11-01')
    expect(dateOf(dates, texts, RAW, '1730000000')).toBe('')
    expect(dateOf(dates, texts, MISSING, '')).toBe('')
  })

  it('gives consecutive records of one day the same id, and another day its own', () => {
    const texts = new Texts()
    const dates = new EventDates(texts)
    const first = dateOf(dates, texts, ASCII, '2026-11-01T10:00:00Z')
    dateOf(dates, texts, ASCII, '2026-11-02T10:00:00Z')
    expect(dateOf(dates, texts, ASCII, '2026-11-01T11:00:00Z')).toBe(first)
    expect(texts.texts).toEqual(['', '2026-11-01', '2026-11-02'])
  })
})

describe('isoDate', () => {
  it.each([
    ['2026-11-02T01:30:00+02:00', '2026-11-01'],
    ['2026-10-31T22:00:00.123-02:00', '2026-11-01'],
    ['2026-10-31T22:00:00,5-0200', '2026-11-01'],
    ['2026-11-01T10:00:00', '2026-11-01'],
    ['2026-11-01T10', '2026-11-01'],
    ['2026-11-01', '2026-11-01'],
    ['0099-01-01T00:00:00Z', '0099-01-01'],
    ['2026-11-01T10:00:00+0', ''],
    ['2026-11-31', ''],
    ['yesterday', '']
  ])('dates %j as %j', (time, date) => {
    expect(isoDate(time)).toBe(date)
  })
})
