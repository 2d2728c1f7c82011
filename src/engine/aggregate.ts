/**
 * The fine-grained aggregate both engines produce: one row per distinct combination of these
 * columns, in this order, with `events` its count. Every report is computed from it, so a run
 * scans the logs once, and the engines can differ only in producing it.
 */
export const AGGREGATE_COLUMNS = [
  'account',
  'region',
  'eventsource',
  'eventname',
  'eventdate',
  'errorcode',
  'identitytype',
  'principal',
  'flag',
  'events'
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
  /** Who acted; see `principalOf` in the engines and the SQL. */
  readonly principal: string
  /** The audit rule the event matches, or `''`. */
  readonly flag: string
  readonly events: number
}

export type AggregateKey = Omit<AggregateRow, 'events'>

/** What an engine yields: the aggregate, streamed, so reports never hold all of it at once. */
export type Aggregate = AsyncIterable<AggregateRow>

/** A row from its key's values, in `AGGREGATE_COLUMNS` order, and its count. */
export function aggregateRow(values: readonly string[], events: number): AggregateRow {
  const [account = '', region = '', eventsource = '', eventname = '', eventdate = ''] = values
  const [errorcode = '', identitytype = '', principal = '', flag = ''] = values.slice(5)
  return {
    account,
    region,
    eventsource,
    eventname,
    eventdate,
    errorcode,
    identitytype,
    principal,
    flag,
    events
  }
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

/**
 * Text order by Unicode code point, which is how Athena (Trino) and DuckDB compare strings; `<` on
 * JavaScript strings compares UTF-16 code units, which differs above U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // A surrogate (a code point above U+FFFF) sorts after every other code unit.
    const xHigh = x >= 0xd800 && x <= 0xdfff
    const yHigh = y >= 0xd800 && y <= 0xdfff
    if (xHigh !== yHigh) return xHigh ? 1 : -1
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

/** Earliest first: the order in which evidence is kept and listed, on both engines. */
export function compareEvidence(a: Evidence, b: Evidence): number {
  for (const field of EVIDENCE_FIELDS) {
    const order = compareText(a[field], b[field])
    if (order !== 0) return order
  }
  return 0
}
