/** The UTC days a report covers, both ends inclusive, as `YYYY-MM-DD`. */
export interface Window {
  readonly start: string
  readonly end: string
}

export type DayBoundary = 'event-time' | 'delivery'

const DAY_MS = 86_400_000

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

export function addDays(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + count * DAY_MS).toISOString().slice(0, 10)
}

/** The day before `now`, in UTC: a scheduled run reports on the last complete day. */
export function yesterday(now: Date): string {
  return addDays(now.toISOString().slice(0, 10), -1)
}

/** Every day of the window, in order. */
export function windowDays(window: Window): string[] {
  const days: string[] = []
  for (let day = window.start; day <= window.end; day = addDays(day, 1)) days.push(day)
  return days
}

/**
 * The day folders to read. CloudTrail dates a folder by delivery, and delivers a file up to about
 * 15 minutes after its events, so events of the window's last minutes sit in the next day's folder.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html
 */
export function folderDays(window: Window, boundary: DayBoundary): string[] {
  const days = windowDays(window)
  return boundary === 'event-time' ? [...days, addDays(window.end, 1)] : days
}

/** `2026-11-22`, or `2026-11-01..2026-11-07` for a range. */
export function windowLabel(window: Window): string {
  return window.start === window.end ? window.start : `${window.start}..${window.end}`
}

/**
 * Whether the window ended (its last day's midnight, UTC) at least `days` days before `now`. A
 * window that ended a day ago has all its logs delivered (CloudTrail delivers within about 15
 * minutes, and late deliveries within hours), so an earlier answer about it is still right.
 */
export function endedDaysAgo(window: Window, now: Date, days: number): boolean {
  return Date.parse(`${addDays(window.end, 1)}T00:00:00Z`) + days * DAY_MS <= now.getTime()
}

/** Whether the window's first day began at least `days` days before `now`. */
export function startedDaysAgo(window: Window, now: Date, days: number): boolean {
  return Date.parse(`${window.start}T00:00:00Z`) + days * DAY_MS <= now.getTime()
}
