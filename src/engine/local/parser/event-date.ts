import { ASCII, type Captures, MISSING } from './captures.js'
import type { Texts } from './texts.js'

/** `2026-11-01T12:34:56Z`: how CloudTrail writes every `eventTime`. */
const CLOUDTRAIL_TIME_LENGTH = 20
const LETTER_T = 0x54
const COLON = 0x3a
const MINUS = 0x2d
const ZERO = 0x30
const LETTER_Z = 0x5a

/**
 * The UTC date of each record's `eventTime`, as a text id. CloudTrail's own form is read from the
 * bytes, and consecutive records of a file mostly share their date, so the usual record costs a
 * few byte reads and no string; any other ISO-8601 form is parsed.
 */
export class EventDates {
  private lastDay = -1
  private lastDayId = 0

  constructor(private readonly texts: Texts) {}

  /** The id of the date of the time captured in `slot`, `YYYY-MM-DD`, or of '' when it has none. */
  idOf(captures: Captures, slot: number): number {
    const b = captures.bytes
    const i = captures.starts[slot] as number
    if (
      captures.kinds[slot] === ASCII &&
      (captures.ends[slot] as number) - i === CLOUDTRAIL_TIME_LENGTH
    ) {
      const year = number(b, i, 4)
      const month = number(b, i + 5, 2)
      const day = number(b, i + 8, 2)
      const hour = number(b, i + 11, 2)
      const minute = number(b, i + 14, 2)
      const second = number(b, i + 17, 2)
      if (
        b[i + 4] === MINUS &&
        b[i + 7] === MINUS &&
        b[i + 10] === LETTER_T &&
        b[i + 13] === COLON &&
        b[i + 16] === COLON &&
        b[i + 19] === LETTER_Z &&
        isDate(year, month, day) &&
        isTime(hour, minute, second)
      ) {
        const key = year * 10_000 + month * 100 + day
        if (key !== this.lastDay) {
          this.lastDay = key
          this.lastDayId = this.texts.idOfText(b.toString('latin1', i, i + 10))
        }
        return this.lastDayId
      }
    }
    return captures.kinds[slot] === MISSING
      ? 0
      : this.texts.idOfText(isoDate(captures.decode(slot)))
  }
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

/** The UTC date of an ISO-8601 date and time, with an offset or none (UTC); '' if it is not one. */
export function isoDate(time: string): string {
  const match = ISO.exec(time)
  if (match === null) return ''
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0))
  const zone = match[7] ?? 'Z'
  if (!isDate(year, month, day) || !isTime(hour, minute, second)) return ''
  const offsetMinutes =
    zone === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) *
        (Number(zone.slice(1, 3)) * 60 + (zone.length > 3 ? Number(zone.slice(-2)) : 0))
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  const utc = new Date(0)
  utc.setUTCFullYear(year, month - 1, day)
  utc.setUTCHours(hour, minute - offsetMinutes, second)
  return utc.toISOString().slice(0, 10)
}

/** The decimal number of `length` digits at `at`; negative if one is not a digit. */
function number(b: Uint8Array, at: number, length: number): number {
  let value = 0
  for (let i = at; i < at + length; i++) {
    const c = (b[i] as number) - ZERO
    value = value * 10 + (c >= 0 && c <= 9 ? c : -100_000)
  }
  return value
}

function isDate(year: number, month: number, day: number): boolean {
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
}

function isTime(hour: number, minute: number, second: number): boolean {
  return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}
