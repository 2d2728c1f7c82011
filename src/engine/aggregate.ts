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
