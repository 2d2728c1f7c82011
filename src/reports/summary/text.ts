/**
 * How values are written in the summary: escaped (event data is attacker-controlled, see
 * `markdown.ts`), and short enough that a table fits a pull request comment, whose column is
 * about 100 characters wide. Full values are in the CSV files.
 */
import { formatCount } from '../../format.js'
import { escapeText, table, withoutInvisible } from '../markdown.js'

/** The most columns a table may have: more do not fit a pull request comment. */
export const MAX_COLUMNS = 5
/** A value that is one long word (an ARN, a user agent) is shortened in the middle to this. */
export const WORD_LIMIT = 40
/** Free text (a title, a reason, an error message) is cut at its end after this. */
const TEXT_LIMIT = 200

/** `value`, escaped, cut at the end past `limit` characters. */
export function cell(value: string, limit = TEXT_LIMIT): string {
  const chars = Array.from(value)
  return escapeText(chars.length > limit ? `${chars.slice(0, limit).join('')}…` : value)
}

function middle(chars: readonly string[], limit: number): string {
  if (chars.length <= limit) return chars.join('')
  const head = Math.floor((limit - 1) * 0.4)
  const tail = limit - 1 - head
  return `${chars.slice(0, head).join('')}…${chars.slice(-tail).join('')}`
}

/**
 * A word joiner after a leading `…`, as an entity (the raw character would be stripped as
 * invisible): browsers may break a line after `…`, which would leave it alone on its line. A `…`
 * inside the value stays a place to wrap, which narrow columns need.
 */
function joined(escaped: string): string {
  return escaped.startsWith('…') ? `…&#8288;${escaped.slice(1)}` : escaped
}

/** `arn:partition:service:region:account:resource`, the resource holding any further `:`. */
const ARN = /^arn:[^:]*:[^:]*:[^:]*:([^:]*):(.+)$/s

/**
 * `value`, escaped, at most `limit` characters, shortened in the middle. Of a long ARN, what is
 * left out first is its `arn:aws:service:region:` start, which the resource (`role/…`,
 * `assumed-role/…`, `trail/…`) says well enough, then the middle of the resource: the account and
 * both ends of the resource's name stay.
 */
export function shortened(value: string, limit = WORD_LIMIT): string {
  const chars = Array.from(value)
  if (chars.length <= limit) return escapeText(value)
  const arn = ARN.exec(value)
  if (arn === null) return escapeText(middle(chars, limit))
  const account = arn[1] === '' ? '' : `${arn[1] as string}:`
  const resource = Array.from(arn[2] as string)
  const room = limit - 1 - account.length
  if (room >= Math.min(resource.length, 16))
    return joined(escapeText(`…${account}${middle(resource, room)}`))
  return joined(escapeText(`…:${middle(resource, limit - 2)}`))
}

/** `1 finding`, `2 findings`. */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`
}

/** `cloudtrail` for `cloudtrail.amazonaws.com`: the service as IAM and people name it. */
export function serviceName(eventsource: string): string {
  return eventsource.endsWith('.amazonaws.com')
    ? eventsource.slice(0, -'.amazonaws.com'.length)
    : eventsource
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/

/**
 * An `eventTime` as a reader needs it: `10:04:31` when the window is one day, `11-22 10:04` over
 * a range; anything that is not CloudTrail's ISO 8601 UTC form is shown as it is.
 */
export function timeOf(eventtime: string, oneDay: boolean): string {
  const match = ISO_TIME.exec(eventtime)
  if (match === null) return cell(eventtime, WORD_LIMIT)
  const [, , month, day, hour, minute, second] = match
  return oneDay ? `${hour}:${minute}:${second}` : `${month}-${day} ${hour}:${minute}`
}

/** `10:04–12:30` (a day) or `11-22 10:04 – 11-23 12:30` (a range); one time when they are equal. */
export function timeSpan(first: string, last: string, oneDay: boolean): string {
  if (first === '') return ''
  const minutes = (time: string): string => {
    const shown = timeOf(time, oneDay)
    return oneDay && ISO_TIME.test(time) ? shown.slice(0, 5) : shown
  }
  const from = minutes(first)
  const to = minutes(last)
  if (from === to) return from
  return oneDay ? `${from}–${to}` : `${from} – ${to}`
}

/**
 * The actors worth naming beside their principals: not `''`, and not one a principal already
 * says (an AWS service is its own actor; an IAM user's name ends its ARN).
 */
export function namedActors(principals: readonly string[], actors: readonly string[]): string[] {
  return actors.filter(
    (actor) =>
      actor !== '' &&
      !principals.some((principal) => principal === actor || principal.endsWith(`/${actor}`))
  )
}

/** The first `shown` items, and how many more there are. */
export function listed(items: readonly string[], shown: number): string {
  const head = items.slice(0, shown).join(', ')
  const left = items.length - Math.min(shown, items.length)
  return left > 0 ? `${head} +${formatCount(left)}` : head
}

export interface SectionOptions {
  /** How many columns, from the right, hold numbers (right-aligned). */
  readonly numeric?: number
  /** Where the rows left out can be found. */
  readonly rest?: string
  /** A line between the title and the table. */
  readonly intro?: string
}

/** A titled table of at most `top` rows, saying how many it left out; `''` without rows. */
export function section(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  top: number,
  { numeric = 1, rest = 'in the CSV', intro }: SectionOptions = {}
): string {
  if (rows.length === 0) return ''
  if (header.length > MAX_COLUMNS)
    throw new Error(`The table ${title} has over ${MAX_COLUMNS} columns`)
  const shown = rows.slice(0, top)
  const align = header.map((_, i): 'left' | 'right' =>
    i >= header.length - numeric ? 'right' : 'left'
  )
  const left = rows.length - shown.length
  const more =
    left === 0 ? '' : `\n${formatCount(left)} more ${left === 1 ? 'row is' : 'rows are'} ${rest}.\n`
  const lead = intro === undefined ? '' : `${intro}\n\n`
  return `### ${title}\n\n${lead}${table(header, shown, align)}${more}`
}

/** Mermaid has no escape inside a quoted label: drop what could end it or the code block. */
export function mermaidLabel(value: string): string {
  return (
    withoutInvisible(value)
      .replace(/["`<>#;]/g, '')
      .slice(0, 60) || '(none)'
  )
}
