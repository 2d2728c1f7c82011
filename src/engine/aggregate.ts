/**
 * The fine-grained aggregate both engines produce: one row per distinct combination of the key
 * columns, with `events` its count and, for rows whose events matched rules, their first and last
 * event time and the evidence of their earliest events. Every report is computed from it, so a
 * run scans the logs once, and the engines can differ only in producing it.
 */
import { compareText } from '../text-order.js'

/** The columns that make a row distinct, in the order the query groups and sorts them. */
export const AGGREGATE_KEY_COLUMNS = [
  'account',
  'region',
  'eventsource',
  'eventname',
  'eventdate',
  'errorcode',
  'identitytype',
  'principal',
  'actor',
  'rules'
] as const

/** The columns of the Athena query's result, in order; `evidence` is JSON text there. */
export const AGGREGATE_COLUMNS = [
  ...AGGREGATE_KEY_COLUMNS,
  'events',
  'records',
  'first',
  'last',
  'evidence'
] as const

export interface AggregateRow {
  /** `recipientAccountId`. */
  readonly account: string
  /** `awsRegion`. */
  readonly region: string
  readonly eventsource: string
  readonly eventname: string
  /** The UTC date of `eventTime`, `YYYY-MM-DD`. */
  readonly eventdate: string
  readonly errorcode: string
  /** `userIdentity.type`. */
  readonly identitytype: string
  /** Who acted: the role behind a session, else the identity's ARN, …; see `PRINCIPAL` in sql.ts. */
  readonly principal: string
  /** The person or session behind the principal; see `ACTOR` in sql.ts. */
  readonly actor: string
  /** The keys of the rules the events matched, ascending by code point, space-separated; `''`. */
  readonly rules: string
  /** Distinct `eventID`s with dedupe (events without one each count), else every record. */
  readonly events: number
  /**
   * The delivered records the row's events came in: `events` plus the duplicate deliveries dedupe
   * dropped (equal to `events` without dedupe).
   */
  readonly records: number
  /** The smallest `eventTime` text of the row's events; `''` when `rules` is `''`. */
  readonly first: string
  /** The largest `eventTime` text of the row's events; `''` when `rules` is `''`. */
  readonly last: string
  /**
   * The earliest events (`compareEvidence`), at most the evidence limit; none without rules. The
   * local engine leaves out those that no rule's listing of findings can take
   * (`local/parser/listings.ts`): the reports are the same.
   */
  readonly evidence: readonly Evidence[]
}

export type AggregateKey = Pick<AggregateRow, (typeof AGGREGATE_KEY_COLUMNS)[number]>

/** What an engine yields: the aggregate, streamed, so reports never hold all of it at once. */
export type Aggregate = AsyncIterable<AggregateRow>

/**
 * A row from its cells as the query's result gives them, in `AGGREGATE_COLUMNS` order: `events`
 * and `records` whole numbers, `evidence` JSON text (`''` for none). `where` names the cell's
 * place (query id, line) in the error for a malformed one.
 */
export function aggregateRow(cells: readonly string[], where: () => string): AggregateRow {
  if (cells.length !== AGGREGATE_COLUMNS.length) {
    throw new Error(`${where()} has ${cells.length} values; expected ${AGGREGATE_COLUMNS.length}`)
  }
  const [account, region, eventsource, eventname, eventdate] = cells as string[]
  const [errorcode, identitytype, principal, actor, rules] = cells.slice(5) as string[]
  const [events, records, first, last, evidence] = cells.slice(
    AGGREGATE_KEY_COLUMNS.length
  ) as string[]
  for (const [name, value] of [
    ['events', events],
    ['records', records]
  ] as const) {
    if (!/^\d+$/.test(value as string)) {
      throw new Error(`${where()}: ${name} is ${JSON.stringify(value)}, not a whole number`)
    }
  }
  return {
    account: account as string,
    region: region as string,
    eventsource: eventsource as string,
    eventname: eventname as string,
    eventdate: eventdate as string,
    errorcode: errorcode as string,
    identitytype: identitytype as string,
    principal: principal as string,
    actor: actor as string,
    rules: rules as string,
    events: Number(events),
    records: Number(records),
    first: first as string,
    last: last as string,
    evidence: parseEvidence(evidence as string, where)
  }
}

/**
 * The `evidence` column: a JSON array of events, each an array of the `EVIDENCE_FIELDS` values in
 * their order (`json_format` of the query's `min_by` array), or `''` for none.
 */
export function parseEvidence(text: string, where: () => string): Evidence[] {
  if (text === '') return []
  const shown = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)
  const malformed = (why: string): Error =>
    new Error(
      `${where()}: evidence is not a JSON array of arrays of ${EVIDENCE_FIELDS.length} strings (${why}): ${shown}`
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw malformed(`not valid JSON: ${(error as Error).message}`)
  }
  if (!Array.isArray(parsed)) throw malformed('not an array')
  return parsed.map((item: unknown, index) => {
    if (
      !Array.isArray(item) ||
      item.length !== EVIDENCE_FIELDS.length ||
      !item.every((value) => typeof value === 'string')
    ) {
      throw malformed(`not so at item ${index + 1}`)
    }
    const [eventtime, eventid, sourceipaddress, useragent, resources, requestparameters] =
      item as string[]
    return {
      eventtime: eventtime as string,
      eventid: eventid as string,
      sourceipaddress: sourceipaddress as string,
      useragent: useragent as string,
      resources: resources as string,
      requestparameters: requestparameters as string
    }
  })
}

/**
 * One matched event, as the aggregate carries it for rows whose events matched rules: what a
 * finding shows beside the row's own columns.
 */
export interface Evidence {
  /** As in the record. */
  readonly eventtime: string
  readonly eventid: string
  readonly sourceipaddress: string
  readonly useragent: string
  /** The ARNs of `resources`, space-separated. */
  readonly resources: string
  /** The compact JSON text of `requestParameters`, cut to `REQUEST_PARAMETERS_LIMIT` code points. */
  readonly requestparameters: string
}

/** The evidence fields, in the order both engines sort by and the SQL lists them. */
export const EVIDENCE_FIELDS = [
  'eventtime',
  'eventid',
  'sourceipaddress',
  'useragent',
  'resources',
  'requestparameters'
] as const satisfies readonly (keyof Evidence)[]

export const REQUEST_PARAMETERS_LIMIT = 1000

/** Earliest first: the order in which evidence is kept and listed, on both engines. */
export function compareEvidence(a: Evidence, b: Evidence): number {
  for (const field of EVIDENCE_FIELDS) {
    const order = compareText(a[field], b[field])
    if (order !== 0) return order
  }
  return 0
}
