/**
 * The SQL oracle: the project's own Athena aggregation query, run by DuckDB over the same
 * generated log files, must give exactly the local engine's aggregate. Nothing of the query is
 * rewritten: DuckDB reads it through a view shaped like the Athena table and two macros for the
 * Presto functions it lacks (`__fixtures__/duckdb-athena.ts`). So the filters, the principal and
 * flag CASE expressions, the dedupe counting and the event-time window are proven to mean the same
 * in both engines, on late deliveries, duplicates, digest and Insights folders and odd JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AthenaOnDuckDB } from '../__fixtures__/duckdb-athena.js'
import { scanDir, writeLogFile } from '../__fixtures__/local-scan.js'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { FLAG_NAMES, FLAG_RULES, type Condition } from '../src/rules/flags.js'
import {
  generateSampleBucket,
  type SampleFacts,
  type SampleOptions
} from '../scripts/generator/bucket.js'
import {
  makeRecord,
  type EventContext,
  type Json,
  type JsonObject
} from '../scripts/generator/events.js'
import { Random } from '../scripts/generator/random.js'
import type { Layout } from '../src/plan/layout.js'
import type { LocalEngineSettings } from '../src/engine/local/scan.js'
import type { AthenaSettings, TableRef } from '../src/plan/plan.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { aggregationQuery } from '../src/engine/athena/sql.js'
import { folderDays, type DayBoundary, type Window } from '../src/inputs/window.js'

const ACCOUNTS = ['111122223333', '444455556666']
const REGIONS = ['eu-west-1', 'us-east-1']
const SAMPLE: SampleOptions = {
  seed: 42,
  accounts: ACCOUNTS,
  regions: REGIONS,
  days: ['2026-11-01', '2026-11-02'],
  filesPerDay: 12,
  recordsPerFile: 20
}
const SINGLE: Layout = { bucket: '', prefix: '', organizationId: '' }
const ORGANIZATION: Layout = {
  bucket: '',
  prefix: 'trails/prod',
  organizationId: 'o-abc123def456'
}
const DAY_1: Window = { start: '2026-11-01', end: '2026-11-01' }
/** Both generated days and the folder of the day after, which holds the last late deliveries. */
const ALL_DAYS: Window = { start: '2026-11-01', end: '2026-11-03' }
const BOUNDARIES: readonly DayBoundary[] = ['event-time', 'delivery']
const DEDUPE = [true, false] as const

/** The edge cases below sit in this account's us-east-1 folders, delivered at these times. */
const EDGE_ACCOUNT = '111122223333'
const EDGE_DELIVERIES = ['2026-11-01T23:55:00Z', '2026-11-02T00:05:00Z']

type IdentityKind = NonNullable<Parameters<typeof makeRecord>[2]>

/**
 * The event names an audit rule lists for one service, when the rule is such a list
 * (`call(service, names)` in `flags.ts`), so that every name of every list is tried.
 */
function apiCallsOf(condition: Condition): [source: string, name: string][] {
  if (!('all' in condition)) return []
  let source: string | undefined
  let names: readonly string[] = []
  for (const part of condition.all) {
    if ('field' in part && part.field === 'eventsource' && 'is' in part) source = part.is
    if ('field' in part && part.field === 'eventname' && 'oneOf' in part) names = part.oneOf
  }
  return source === undefined ? [] : names.map((name) => [source, name])
}

/**
 * In the JSON text, `\uE000` followed by a character becomes that character as a `\u` escape:
 * CloudTrail never writes one, but a JSON reader must read `"\u0041ssumedRole"` as `AssumedRole`,
 * and the local engine's parser takes a separate path for escaped strings.
 */
function spellEscapes(json: string): string {
  return json.replace(/\uE000(.)/g, (_, character: string) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/**
 * Records made by the generator, then changed into the cases the random sample makes rarely or
 * never: an event for every audit rule and its near misses, each principal fallback, dedupe
 * corners, and event times in other forms. Each is a CloudTrail record shape; the comment says
 * what it probes.
 */
function edgeRecords(account: string): JsonObject[] {
  const random = new Random(2026)
  // Minutes before midnight: the second delivery, in the next day's folder, is a late one.
  const late: EventContext = {
    random,
    account,
    region: 'us-east-1',
    time: new Date('2026-11-01T23:50:00Z')
  }
  const event = (
    source: string,
    name: string,
    kind: IdentityKind,
    changes: JsonObject = {}
  ): JsonObject => ({
    ...makeRecord(late, { source, name, weight: 1, readOnly: false }, kind),
    ...changes
  })
  const withIdentity = (record: JsonObject, changes: JsonObject): JsonObject => ({
    ...record,
    userIdentity: { ...(record.userIdentity as JsonObject), ...changes }
  })
  const without = (record: JsonObject, key: string): JsonObject => {
    const copy = { ...record }
    delete copy[key]
    return copy
  }
  const login = (kind: IdentityKind, response: Json, additional: Json): JsonObject =>
    event('signin.amazonaws.com', 'ConsoleLogin', kind, {
      responseElements: response,
      additionalEventData: additional
    })
  const shared = random.uuid()

  return [
    // Every event name of every rule that lists API calls; one refused, which the more severe
    // rule still names.
    ...FLAG_RULES.flatMap((rule) =>
      apiCallsOf(rule.when).map(([source, name]) => event(source, name, 'role'))
    ),
    event('cloudtrail.amazonaws.com', 'StopLogging', 'user', { errorCode: 'AccessDenied' }),
    // The right name from another service is no change to audit.
    event('ec2.amazonaws.com', 'StopLogging', 'role'),
    event('cloudtrail.amazonaws.com', 'stoplogging', 'role'),

    // Root: flagged unless a service acted for it or the event is the service's own.
    event('iam.amazonaws.com', 'CreateAccessKey', 'root'),
    withIdentity(event('iam.amazonaws.com', 'ListRoles', 'root'), {
      invokedBy: 'support.amazonaws.com'
    }),
    event('s3.amazonaws.com', 'ListBuckets', 'root', { eventType: 'AwsServiceEvent' }),
    // Root before a cloudtrail change: the most severe rule wins.
    event('cloudtrail.amazonaws.com', 'DeleteTrail', 'root'),

    // Console sign-in: without MFA ('No', missing, no additional data at all, lowercase 'yes',
    // an object), with MFA, failed by message or by response, a result that is not text, and
    // not an IAM user.
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: 'No' }),
    login('user', { ConsoleLogin: 'Success' }, { LoginTo: 'https://console.aws.amazon.com/' }),
    login('user', { ConsoleLogin: 'Success' }, null),
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: 'yes' }),
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: 'Yes' }),
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: { value: 'Yes' } }),
    login('user', { ConsoleLogin: 'Failure' }, { MFAUsed: 'Yes' }),
    login('user', { ConsoleLogin: ['Success'] }, { MFAUsed: 'No' }),
    login('sso', { ConsoleLogin: 'Success' }, { MFAUsed: 'No' }),
    login('role', null, { MFAUsed: 'No' }),
    { ...login('user', null, null), errorMessage: 'Failed authentication' },
    { ...login('user', null, null), errorMessage: 'failed authentication' },
    // A JSON string where an object is expected: no field inside it.
    login('user', 'Success', 'No'),

    // Refused calls, by the code's start or end, and codes that only look alike.
    event('ec2.amazonaws.com', 'RunInstances', 'role', {
      errorCode: 'Client.UnauthorizedOperation'
    }),
    event('s3.amazonaws.com', 'GetObject', 'role', { errorCode: 'AccessDenied' }),
    event('kms.amazonaws.com', 'Decrypt', 'role', { errorCode: 'AccessDeniedException' }),
    event('kms.amazonaws.com', 'Decrypt', 'role', { errorCode: 'accessdenied' }),
    event('ec2.amazonaws.com', 'RunInstances', 'role', {
      errorCode: 'UnauthorizedOperationRetry'
    }),
    event('sts.amazonaws.com', 'AssumeRole', 'role', { errorCode: 'XAccessDenied' }),

    // Who acted: each fallback of the principal.
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), {
      sessionContext: { sessionIssuer: { arn: '' } }
    }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), { sessionContext: null }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'user'), {
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${account}:role/not-assumed` } }
    }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'service-role'), { arn: '' }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'service'), { invokedBy: '' }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'account'), { accountId: '' }),
    { ...event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), userIdentity: null },
    without(event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), 'userIdentity'),

    // Text the local engine decodes on its slower paths: escapes, and bytes beyond ASCII.
    withIdentity(event('ec2.amazonaws.com', '\uE000DescribeVpcs', 'role'), {
      type: '\uE000AssumedRole'
    }),
    withIdentity(event('cloudtrail.amazonaws.com', 'Stop\uE000Logging', 'user'), {
      arn: `arn:aws:iam::${account}:user/"quoted"\\back`
    }),
    withIdentity(event('s3.amazonaws.com', 'PutBucketPolicy', 'user', { errorCode: 'Zugriff✗' }), {
      arn: `arn:aws:iam::${account}:user/jürgen-日本`
    }),

    // Dedupe: an event without an eventID or with an empty one is always new; an eventID counts
    // once per aggregate row, so the same one under two names counts in both.
    without(event('sts.amazonaws.com', 'GetCallerIdentity', 'role'), 'eventID'),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: '' }),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: shared }),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: shared }),
    event('sts.amazonaws.com', 'GetSessionToken', 'role', { eventID: shared }),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: shared.toUpperCase() }),

    // Event times in forms CloudTrail does not write: another offset (dated in UTC, across
    // midnight both ways), a fraction, a date alone, a date that does not exist, a space for the
    // `T`, nothing at all.
    ...[
      '2026-11-02T00:30:00+01:00',
      '2026-11-01T23:30:00-01:00',
      '2026-11-01T12:00:00.250Z',
      '2026-11-01',
      '2026-11-31T00:00:00Z',
      '2026-11-01 12:00:00',
      ''
    ].map((eventTime) => event('ec2.amazonaws.com', 'DescribeRegions', 'role', { eventTime })),
    without(event('ec2.amazonaws.com', 'DescribeRegions', 'role'), 'eventTime')
  ]
}

/**
 * The edge records in one delivery file of the day's us-east-1 folder, and again, as a second
 * trail would deliver them, in the next day's: the late delivery and the duplicate at once. And
 * an empty delivery, which the random sample makes only now and then.
 */
async function writeEdgeFiles(logsDir: string, layout: Layout): Promise<void> {
  const json = spellEscapes(JSON.stringify({ Records: edgeRecords(EDGE_ACCOUNT) }))
  for (const [index, delivered] of EDGE_DELIVERIES.entries()) {
    const day = delivered.slice(0, 10)
    const time = `${day.replaceAll('-', '')}T${delivered.slice(11, 13)}${delivered.slice(14, 16)}Z`
    await writeLogFile(
      logsDir,
      { layout, account: EDGE_ACCOUNT, region: 'us-east-1', day },
      `${EDGE_ACCOUNT}_CloudTrail_us-east-1_${time}_EdgeCases${String(index).padStart(7, '0')}.json.gz`,
      json
    )
  }
  await writeLogFile(
    logsDir,
    { layout, account: EDGE_ACCOUNT, region: 'us-east-1', day: '2026-11-01' },
    `${EDGE_ACCOUNT}_CloudTrail_us-east-1_20261101T1200Z_EmptyDelivery00.json.gz`,
    JSON.stringify({ Records: [] })
  )
}

/** Rows in one order, whatever order an engine gave them in. */
function sorted(rows: readonly AggregateRow[]): AggregateRow[] {
  const key = (row: AggregateRow): string =>
    JSON.stringify([
      row.account,
      row.region,
      row.eventsource,
      row.eventname,
      row.eventdate,
      row.errorcode,
      row.identitytype,
      row.principal,
      row.flag
    ])
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/** The query text with one exact change; fails when `from` is not in it exactly once. */
function mutated(sql: string, from: string, to: string): string {
  const count = sql.split(from).length - 1
  if (count !== 1)
    throw new Error(`Expected ${JSON.stringify(from)} once in the query, found ${count}`)
  return sql.replace(from, to)
}

/** Settings that both engines read: the same logs, by the Athena SQL and by the local engine. */
type BothEngines = AthenaSettings & LocalEngineSettings

let root: string
let duckdb: AthenaOnDuckDB
const buckets = new Map<Layout, { logsDir: string; facts: SampleFacts; table: TableRef }>()

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sql-oracle-'))
  duckdb = await AthenaOnDuckDB.open()
  for (const [layout, seed, table] of [
    [SINGLE, SAMPLE.seed, 'cloudtrail_report'],
    [ORGANIZATION, 7, 'organization_trail']
  ] as const) {
    const logsDir = join(root, table)
    const facts = await generateSampleBucket(logsDir, {
      ...SAMPLE,
      seed,
      prefix: layout.prefix,
      organizationId: layout.organizationId
    })
    await writeEdgeFiles(logsDir, layout)
    const ref = { catalog: 'AwsDataCatalog', database: 'default', table }
    await duckdb.createTable(ref, logsDir, layout)
    buckets.set(layout, { logsDir, facts, table: ref })
  }
})

afterAll(async () => {
  duckdb?.close()
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

function plan(
  layout: Layout,
  window: Window,
  dayBoundary: DayBoundary,
  dedupe: boolean,
  overrides: Partial<BothEngines> = {}
): BothEngines {
  const bucket = buckets.get(layout)
  if (bucket === undefined) throw new Error('No bucket generated for this layout')
  return {
    ...athenaPlan({ table: bucket.table }),
    logs: { directory: bucket.logsDir },
    onBadFile: 'fail',
    layout,
    accounts: ACCOUNTS,
    regions: REGIONS,
    window,
    dayBoundary,
    folderDays: folderDays(window, dayBoundary),
    dedupe,
    ...overrides
  }
}

/** Both engines' rows for a plan, sorted; DuckDB runs `sql`, by default the plan's query. */
async function bothEngines(
  plan: BothEngines,
  sql = aggregationQuery(plan)
): Promise<{ athena: AggregateRow[]; local: AggregateRow[] }> {
  const [athena, { rows }] = await Promise.all([duckdb.aggregate(sql), scanDir(plan)])
  return { athena: sorted(athena), local: sorted(rows) }
}

describe('the Athena query on DuckDB and the local engine', () => {
  const cases = BOUNDARIES.flatMap((boundary) =>
    DEDUPE.flatMap((dedupe) =>
      [DAY_1, ALL_DAYS].map((window) => ({
        boundary,
        dedupe,
        window,
        days: `${window.start}..${window.end}`
      }))
    )
  )

  it.each(cases)(
    'agree by $boundary, dedupe $dedupe, over $days',
    async ({ boundary, dedupe, window }) => {
      const { athena, local } = await bothEngines(plan(SINGLE, window, boundary, dedupe))
      expect(athena.length).toBeGreaterThan(100)
      expect(athena).toEqual(local)
    }
  )

  it.each(BOUNDARIES.flatMap((boundary) => DEDUPE.map((dedupe) => ({ boundary, dedupe }))))(
    'agree on an organization trail with a prefix, by $boundary, dedupe $dedupe',
    async ({ boundary, dedupe }) => {
      const { athena, local } = await bothEngines(plan(ORGANIZATION, ALL_DAYS, boundary, dedupe))
      expect(athena.length).toBeGreaterThan(100)
      expect(athena).toEqual(local)
    }
  )

  it('agree when the plan reads some of the accounts and regions in the bucket', async () => {
    const narrow = plan(SINGLE, DAY_1, 'event-time', true, {
      accounts: [EDGE_ACCOUNT],
      regions: ['us-east-1']
    })
    const { athena, local } = await bothEngines(narrow)
    expect(new Set(athena.map((row) => row.account))).toEqual(new Set([EDGE_ACCOUNT]))
    expect(athena).toEqual(local)
  })
})

describe('the data the engines agree on', () => {
  it('has late deliveries, duplicates, digest and Insights files', () => {
    for (const { facts } of buckets.values()) {
      expect(facts.lateRecords).toBeGreaterThan(0)
      expect(facts.duplicateRecords).toBeGreaterThan(0)
      expect(facts.digestAndInsightFiles).toBeGreaterThan(0)
    }
  })

  it('has an event for every audit rule', async () => {
    const { athena } = await bothEngines(plan(SINGLE, ALL_DAYS, 'delivery', false))
    expect(new Set(athena.map((row) => row.flag))).toEqual(new Set(['', ...FLAG_NAMES]))
  })
})

describe('the comparison', () => {
  // Each change is one the oracle must notice: if it did not, equal rows would prove nothing.
  const changes = [
    {
      what: 'a flag condition',
      from: "coalesce(json_extract_scalar(additionaleventdata, '$.MFAUsed'), '') <> 'Yes'",
      to: "coalesce(json_extract_scalar(additionaleventdata, '$.MFAUsed'), '') <> 'No'"
    },
    {
      what: 'the order of the principal fallbacks',
      from: "nullif(useridentity.arn, ''),\n      nullif(useridentity.invokedby, ''),",
      to: "nullif(useridentity.invokedby, ''),\n      nullif(useridentity.arn, ''),"
    },
    {
      what: 'the count of events without an eventID',
      from: " + COUNT_IF(nullif(eventid, '') IS NULL)",
      to: ''
    },
    {
      what: 'the time zone of the event date',
      from: "AT TIME ZONE 'UTC'",
      to: "AT TIME ZONE 'America/New_York'"
    }
  ]

  it.each(changes)('notices a change to $what', async ({ from, to }) => {
    const subject = plan(SINGLE, DAY_1, 'event-time', true)
    const { athena, local } = await bothEngines(
      subject,
      mutated(aggregationQuery(subject), from, to)
    )
    expect(athena).not.toEqual(local)
  })
})
