/**
 * The aggregate as the contract defines it, computed the plain way, to check the engines against:
 * the plan's day folders read file by file with `JSON.parse`, each record's values read by the
 * reference accessor (`record-values.ts`) at the paths of the field catalogue, the rules by the
 * local predicates, and then every column by its definition (principal, actor, rules, counts with
 * and without dedupe, the records delivered, event time or delivery, first and last time, evidence
 * and its limit). The SQL oracle proves the Athena query equal to it on generated logs; the local
 * engine must be too.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import {
  compareEvidence,
  REQUEST_PARAMETERS_LIMIT,
  type AggregateRow,
  type Evidence
} from '../src/engine/aggregate.js'
import { createRuleCompiler } from '../src/engine/local/predicates.js'
import { jsonRecordValues } from '../src/engine/local/record-values.js'
import { dayFolderKey } from '../src/plan/layout.js'
import type { Scope } from '../src/plan/plan.js'
import { resolveField } from '../src/rules/fields.js'
import { compareText } from '../src/text-order.js'

/** The record paths the aggregate reads, by what they are for. */
const PATHS = {
  account: 'recipientAccountId',
  region: 'awsRegion',
  eventsource: 'eventSource',
  eventname: 'eventName',
  eventtime: 'eventTime',
  errorcode: 'errorCode',
  identitytype: 'userIdentity.type',
  issuerArn: 'userIdentity.sessionContext.sessionIssuer.arn',
  arn: 'userIdentity.arn',
  invokedBy: 'userIdentity.invokedBy',
  userName: 'userIdentity.userName',
  accountId: 'userIdentity.accountId',
  sourceIdentity: 'userIdentity.sessionContext.sourceIdentity',
  onBehalfOf: 'userIdentity.onBehalfOf.userId',
  eventid: 'eventID',
  sourceipaddress: 'sourceIPAddress',
  useragent: 'userAgent',
  resources: 'resources.ARN',
  requestparameters: 'requestParameters'
} as const
type Value = keyof typeof PATHS
const NAMES = Object.keys(PATHS) as Value[]
const SOURCES = NAMES.map((name) => resolveField(PATHS[name]).source)

type JsonRecord = { readonly [key: string]: unknown }

/** The records of the `.json.gz` and `.json` files of the plan's day folders, file by file. */
async function recordsOf(logsDir: string, plan: Scope): Promise<JsonRecord[]> {
  const records: JsonRecord[] = []
  for (const account of plan.accounts) {
    for (const region of plan.regions) {
      for (const day of plan.folderDays) {
        const folder = join(logsDir, dayFolderKey(plan.layout, account, region, day))
        const names = await readdir(folder).catch(() => [] as string[])
        for (const name of names.sort()) {
          if (!name.endsWith('.json.gz') && !name.endsWith('.json')) continue
          const bytes = await readFile(join(folder, name))
          const text = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')
          if (text === '') continue
          const document = JSON.parse(text) as { Records: JsonRecord[] }
          records.push(...document.Records)
        }
      }
    }
  }
  return records
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * The UTC date of an ISO 8601 date and time, as `from_iso8601_timestamp` reads it in a UTC session
 * (no offset: UTC), or `''` when it is not one (the query's `try` gives NULL, then `''`).
 */
export function utcDate(time: string | null): string {
  const match = time === null ? null : ISO.exec(time)
  if (match === null) return ''
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0))
  const zone = match[7] ?? 'Z'
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31
  if (month < 1 || month > 12 || day < 1 || day > days) return ''
  if (hour > 23 || minute > 59 || second > 59) return ''
  const offset =
    zone === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) *
        (Number(zone.slice(1, 3)) * 60 + (zone.length > 3 ? Number(zone.slice(-2)) : 0))
  const utc = new Date(0)
  utc.setUTCFullYear(year, month - 1, day)
  utc.setUTCHours(hour, minute - offset, second)
  return utc.toISOString().slice(0, 10)
}

/** A value that is there: not NULL, not empty (the query's `nullif(…, '')`). */
function given(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value
}

/** One record, as the aggregate sees it. */
interface Reading {
  readonly key: Omit<AggregateRow, 'events' | 'records' | 'first' | 'last' | 'evidence'>
  readonly eventid: string | null
  readonly eventtime: string | null
  readonly evidence: Evidence
}

function readRecord(record: JsonRecord, rules: RuleTests): Reading {
  const values = jsonRecordValues(SOURCES, record)
  const text = (name: Value): string | null => values.text(NAMES.indexOf(name))
  const type = text('identitytype')
  const assumed = type === 'AssumedRole'
  const arn = text('arn')
  const sessionName = arn === null ? undefined : /\/([^/]*)$/.exec(arn)?.[1]
  const arns = values.elements(NAMES.indexOf('resources'))
  const requestParameters = text('requestparameters') ?? ''
  const eventtime = text('eventtime')
  return {
    key: {
      account: text('account') ?? '',
      region: text('region') ?? '',
      eventsource: text('eventsource') ?? '',
      eventname: text('eventname') ?? '',
      eventdate: utcDate(eventtime),
      errorcode: text('errorcode') ?? '',
      identitytype: type ?? '',
      principal:
        (assumed ? given(text('issuerArn')) : undefined) ??
        given(arn) ??
        given(text('invokedBy')) ??
        given(text('userName')) ??
        given(text('accountId')) ??
        '',
      actor:
        given(text('sourceIdentity')) ??
        (assumed ? given(sessionName ?? null) : undefined) ??
        given(text('userName')) ??
        given(text('onBehalfOf')) ??
        given(text('invokedBy')) ??
        '',
      rules: rules(record)
    },
    eventid: text('eventid'),
    eventtime,
    evidence: {
      eventtime: eventtime ?? '',
      eventid: text('eventid') ?? '',
      sourceipaddress: text('sourceipaddress') ?? '',
      useragent: text('useragent') ?? '',
      resources: (arns ?? []).filter((value) => value !== null).join(' '),
      requestparameters: Array.from(requestParameters).slice(0, REQUEST_PARAMETERS_LIMIT).join('')
    }
  }
}

/** A record's `rules` column: the keys of the rules it matches, by code point, space-separated. */
type RuleTests = (record: JsonRecord) => string

function ruleTests(plan: Scope): RuleTests {
  const compiler = createRuleCompiler()
  const tests = [...plan.rules]
    .sort((a, b) => compareText(a.key, b.key))
    .map((rule) => ({ key: rule.key, test: compiler.compile(rule.condition) }))
  return (record) => {
    const values = jsonRecordValues(compiler.fields, record)
    return tests
      .filter(({ test }) => test(values))
      .map(({ key }) => key)
      .join(' ')
  }
}

/** The aggregate of the logs below `logsDir` for the plan, in no particular order. */
export async function referenceAggregate(logsDir: string, plan: Scope): Promise<AggregateRow[]> {
  const rules = ruleTests(plan)
  const rows = new Map<string, Reading[]>()
  for (const record of await recordsOf(logsDir, plan)) {
    const reading = readRecord(record, rules)
    const day = reading.key.eventdate
    if (plan.dayBoundary === 'event-time' && (day < plan.window.start || day > plan.window.end)) {
      continue
    }
    const id = JSON.stringify(Object.values(reading.key))
    const row = rows.get(id)
    if (row === undefined) rows.set(id, [reading])
    else row.push(reading)
  }
  return [...rows.values()].map((readings) => rowOf(readings, plan))
}

/**
 * One row from its records: with dedupe, the records of one `eventID` are one event, whose
 * evidence is their smallest; a record without an `eventID` is an event of its own.
 */
function rowOf(readings: readonly Reading[], plan: Scope): AggregateRow {
  const key = (readings[0] as Reading).key
  const events: Evidence[][] = []
  const byId = new Map<string, Evidence[]>()
  for (const reading of readings) {
    const id = given(reading.eventid)
    const same = plan.dedupe && id !== undefined ? byId.get(id) : undefined
    if (same !== undefined) {
      same.push(reading.evidence)
      continue
    }
    const event = [reading.evidence]
    events.push(event)
    if (plan.dedupe && id !== undefined) byId.set(id, event)
  }
  const matched = key.rules !== ''
  const times = readings
    .map((reading) => reading.eventtime)
    .filter((time) => time !== null)
    .sort(compareText)
  const evidence = events
    .map((event) => [...event].sort(compareEvidence)[0] as Evidence)
    .sort(compareEvidence)
    .slice(0, plan.evidenceLimit)
  return {
    ...key,
    events: events.length,
    records: readings.length,
    first: matched ? (times[0] ?? '') : '',
    last: matched ? (times[times.length - 1] ?? '') : '',
    evidence: matched ? evidence : []
  }
}
