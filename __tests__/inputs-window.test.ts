import { describe, expect, it } from 'vitest'
import {
  folderDays,
  isCalendarDate,
  windowDays,
  windowLabel,
  yesterday
} from '../src/inputs/window.js'

describe('window', () => {
  it('takes yesterday in UTC, whatever the hour', () => {
    expect(yesterday(new Date('2026-03-01T00:00:00Z'))).toBe('2026-02-28')
    expect(yesterday(new Date('2024-03-01T23:59:59Z'))).toBe('2024-02-29')
  })

  it('knows real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true)
    expect(isCalendarDate('2023-02-29')).toBe(false)
    expect(isCalendarDate('2026-13-01')).toBe(false)
    expect(isCalendarDate('2026-1-01')).toBe(false)
  })

  it('lists the days of a range across a month end', () => {
    expect(windowDays({ start: '2026-10-30', end: '2026-11-02' })).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
      '2026-11-02'
    ])
  })

  it('reads the next day folder by event time, and only the window by delivery', () => {
    const window = { start: '2026-12-31', end: '2026-12-31' }
    expect(folderDays(window, 'event-time')).toEqual(['2026-12-31', '2027-01-01'])
    expect(folderDays(window, 'delivery')).toEqual(['2026-12-31'])
  })

  it('labels a day and a range', () => {
    expect(windowLabel({ start: '2026-11-22', end: '2026-11-22' })).toBe('2026-11-22')
    expect(windowLabel({ start: '2026-11-01', end: '2026-11-07' })).toBe('2026-11-01..2026-11-07')
  })
})
