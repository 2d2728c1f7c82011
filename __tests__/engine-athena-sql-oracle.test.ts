/**
 * The SQL oracle: the project's own Athena aggregation query, run by DuckDB over generated log
 * files, must give exactly the reference aggregate (`__fixtures__/reference-aggregate.ts`: the
 * contract's definitions, over the same records read with `JSON.parse`). The query runs as it is
 * sent to Athena, but for one function's name: DuckDB reads it through a view shaped like the
 * Athena table and macros for the Presto functions it lacks (`__fixtures__/duckdb-athena.ts`). So
 * the partition filters, the principal and actor, every built-in rule, the dedupe counting, the
 * event-time window, the first and last times and the evidence (its order, its limit, one item per
 * eventID) are proven to mean what the contract says, on late deliveries, duplicates that differ,
 * events without an eventID, digest and Insights folders and odd JSON. The local engine must give
 * the same aggregate, and does, on every case the query is checked on.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AthenaOnDuckDB } from '../__fixtures__/duckdb-athena.js'
import { BURST, edgeRecords, spellEscapes } from '../__fixtures__/edge-records.js'
import { scanDir, writeLogFile } from '../__fixtures__/local-scan.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { referenceAggregate } from '../__fixtures__/reference-aggregate.js'
import {
  generateSampleBucket,
  type SampleFacts,
  type SampleOptions
} from '../scripts/generator/bucket.js'
import { AGGREGATE_KEY_COLUMNS, type AggregateRow } from '../src/engine/aggregate.js'
import { aggregationQuery } from '../src/engine/athena/sql.js'
import type { LocalEngineSettings } from '../src/engine/local/scan.js'
import { folderDays, type DayBoundary, type Window } from '../src/inputs/window.js'
import type { Layout } from '../src/plan/layout.js'
import type { AthenaSettings, TableRef } from '../src/plan/plan.js'
import { loadRules } from '../src/rules/load.js'
import type { Rule } from '../src/rules/rule.js'
import { FindingsCollector } from '../src/reports/findings.js'
import { parseSuppressions, scanRules, type SuppressionEntry } from '../src/rules/suppressions.js'

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
/** None, the fewest, and fewer than the burst of the edge records has. */
const LIMITS = [0, 1, 100] as const

/** The edge cases sit in this account's us-east-1 folders, delivered at these times. */
const EDGE_ACCOUNT = '111122223333'
const EDGE_DELIVERIES = ['2026-11-01T23:55:00Z', '2026-11-02T00:05:00Z']

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

/**
 * A suppressions file over the sample: the edge records' trail changes by principal, and denied
 * calls by actor, then by a principal pattern that the actor's entry comes before.
 */
const SUPPRESSIONS = `suppressions:
  cloudtrail-changes:
    - principal: arn:aws:iam::${EDGE_ACCOUNT}:role/ops
      reason: The ops role rotates the trail
  unauthorized-calls:
    - actor: '*@Example.COM'
      reason: Identity Center users try what their permission set allows
    - principal: '*:role/readonly'
      reason: The read-only role probes what it may call
`

/** Rows in one order, whatever order an engine gave them in. */
function sorted(rows: readonly AggregateRow[]): AggregateRow[] {
  const key = (row: AggregateRow): string =>
    JSON.stringify(AGGREGATE_KEY_COLUMNS.map((column) => row[column]))
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
let rules: readonly Rule[]
const buckets = new Map<Layout, { logsDir: string; facts: SampleFacts; table: TableRef }>()

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sql-oracle-'))
  duckdb = await AthenaOnDuckDB.open()
  rules = (await loadRules({ builtin: true, paths: '', workspace: root })).rules
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
    rules,
    evidenceLimit: 100,
    ...overrides
  }
}

function logsDirOf(subject: BothEngines): string {
  return (subject.logs as { directory: string }).directory
}

/** The query on DuckDB (`sql`, by default the plan's) and the reference, each sorted. */
async function queryAndReference(
  subject: BothEngines,
  sql = aggregationQuery(subject)
): Promise<{ athena: AggregateRow[]; reference: AggregateRow[] }> {
  const [athena, reference] = await Promise.all([
    duckdb.aggregate(sql),
    referenceAggregate(logsDirOf(subject), subject)
  ])
  return { athena: sorted(athena), reference: sorted(reference) }
}

/** Every boundary, dedupe and window with the default limit; the other limits over all days. */
const cases = BOUNDARIES.flatMap((boundary) =>
  DEDUPE.flatMap((dedupe) => [
    ...[DAY_1, ALL_DAYS].map((window) => ({ boundary, dedupe, window, limit: 100 })),
    ...LIMITS.filter((limit) => limit !== 100).map((limit) => ({
      boundary,
      dedupe,
      window: ALL_DAYS,
      limit
    }))
  ])
).map((entry) => ({ ...entry, days: `${entry.window.start}..${entry.window.end}` }))

describe('the Athena query on DuckDB', () => {
  it.each(cases)(
    'gives the reference aggregate by $boundary, dedupe $dedupe, over $days, evidence limit $limit',
    async ({ boundary, dedupe, window, limit }) => {
      const subject = plan(SINGLE, window, boundary, dedupe, { evidenceLimit: limit })
      const { athena, reference } = await queryAndReference(subject)
      expect(athena.length).toBeGreaterThan(100)
      expect(athena).toEqual(reference)
    }
  )

  it.each(BOUNDARIES.flatMap((boundary) => DEDUPE.map((dedupe) => ({ boundary, dedupe }))))(
    'gives the reference aggregate of an organization trail with a prefix, by $boundary, dedupe $dedupe',
    async ({ boundary, dedupe }) => {
      const { athena, reference } = await queryAndReference(
        plan(ORGANIZATION, ALL_DAYS, boundary, dedupe)
      )
      expect(athena.length).toBeGreaterThan(100)
      expect(athena).toEqual(reference)
    }
  )

  it('gives the reference aggregate when the plan reads some of the accounts and regions', async () => {
    const narrow = plan(SINGLE, DAY_1, 'event-time', true, {
      accounts: [EDGE_ACCOUNT],
      regions: ['us-east-1']
    })
    const { athena, reference } = await queryAndReference(narrow)
    expect(new Set(athena.map((row) => row.account))).toEqual(new Set([EDGE_ACCOUNT]))
    expect(athena).toEqual(reference)
  })

  it('gives the reference aggregate with suppressions: each suppressed event a key~N token, by the entry that matches first', async () => {
    const { entries } = parseSuppressions(SUPPRESSIONS, '.github/cloudtrail-report.yml', rules)
    const { athena, reference } = await queryAndReference(
      plan(SINGLE, ALL_DAYS, 'event-time', true, { rules: scanRules(rules, entries) })
    )
    expect(athena).toEqual(reference)
    const tokens = (row: AggregateRow): string[] => row.rules.split(' ')
    const having = (token: string): AggregateRow[] =>
      athena.filter((row) => tokens(row).includes(token))
    // The entries' principal and actor, computed from userIdentity in the rule, are the query's.
    expect(new Set(having('cloudtrail-changes~1').map((row) => row.principal))).toEqual(
      new Set([`arn:aws:iam::${EDGE_ACCOUNT}:role/ops`])
    )
    expect(having('cloudtrail-changes').map((row) => row.principal)).not.toContain(
      `arn:aws:iam::${EDGE_ACCOUNT}:role/ops`
    )
    const second = having('unauthorized-calls~2')
    const third = having('unauthorized-calls~3')
    expect(second.length).toBeGreaterThan(0)
    expect(second.every((row) => row.actor.endsWith('@example.com'))).toBe(true)
    expect(third.length).toBeGreaterThan(0)
    expect(third.every((row) => row.principal.endsWith(':role/ReadOnly'))).toBe(true)
    expect(third.some((row) => row.actor.endsWith('@example.com'))).toBe(false)
    expect(
      having('unauthorized-calls').some(
        (row) => row.actor.endsWith('@example.com') || row.principal.endsWith(':role/ReadOnly')
      )
    ).toBe(false)
    // Each matched event is one token per rule: suppressed and not, they add up to the rule's count.
    const count = (of: readonly AggregateRow[], key: string): number =>
      of
        .filter((row) => tokens(row).some((token) => token === key || token.startsWith(`${key}~`)))
        .reduce((sum, row) => sum + row.events, 0)
    const unsuppressed = await duckdb.aggregate(
      aggregationQuery(plan(SINGLE, ALL_DAYS, 'event-time', true))
    )
    for (const key of ['cloudtrail-changes', 'unauthorized-calls']) {
      expect(count(athena, key)).toBe(count(unsuppressed, key))
    }
  })

  it('gives the reference aggregate without any rule: no rules, times or evidence', async () => {
    const { athena, reference } = await queryAndReference(
      plan(SINGLE, DAY_1, 'event-time', true, { rules: [] })
    )
    expect(athena.every((row) => row.rules === '' && row.evidence.length === 0)).toBe(true)
    expect(athena).toEqual(reference)
  })
})

describe('the data the query is checked on', () => {
  let rows: AggregateRow[]

  beforeAll(async () => {
    rows = await duckdb.aggregate(aggregationQuery(plan(SINGLE, ALL_DAYS, 'delivery', true)))
  })

  it('has late deliveries, duplicates, digest and Insights files', () => {
    for (const { facts } of buckets.values()) {
      expect(facts.lateRecords).toBeGreaterThan(0)
      expect(facts.duplicateRecords).toBeGreaterThan(0)
      expect(facts.digestAndInsightFiles).toBeGreaterThan(0)
    }
  })

  it('has rows with more records than events: duplicate deliveries', () => {
    expect(rows.some((row) => row.records > row.events)).toBe(true)
    expect(rows.every((row) => row.records >= row.events)).toBe(true)
  })

  it('has events for every built-in rule, and events that match several', () => {
    const matched = new Set(rows.flatMap((row) => row.rules.split(' ')))
    expect([...matched].filter((key) => key !== '').sort()).toEqual(
      rules.map((rule) => rule.key).sort()
    )
    expect(rows.some((row) => row.rules.includes(' '))).toBe(true)
  })

  it('has a row with more matched events than the evidence lists', () => {
    const burst = rows.find((row) => row.actor === 'burst' && row.eventdate === '2026-11-01')
    expect(burst?.events).toBe(BURST)
    expect(burst?.evidence).toHaveLength(100)
  })

  it('has each actor: source identity, session name, user name, Identity Center user, service', () => {
    const actors = new Set(rows.map((row) => row.actor))
    for (const actor of [
      'alice-laptop',
      'alice@example.com',
      'fallback-user',
      'second',
      '94482488-3041-7026-18f3-be45837cd0e4',
      'carol',
      'cloudformation.amazonaws.com',
      ''
    ]) {
      expect(actors, actor).toContain(actor)
    }
  })
})

describe('the comparison', () => {
  // Each change is one the oracle must notice: if it did not, equal rows would prove nothing.
  const changes = [
    {
      what: 'a rule',
      from: "coalesce(lower(eventname) IN ('createtrail', 'updatetrail', 'deletetrail', 'startlogging', 'stoplogging'), false)",
      to: "coalesce(lower(eventname) IN ('createtrail', 'updatetrail', 'deletetrail', 'startlogging'), false)"
    },
    {
      what: 'the order of the principal fallbacks',
      from: "nullif(useridentity.invokedby, ''),\n      nullif(useridentity.username, ''),\n      nullif(useridentity.accountid, ''),",
      to: "nullif(useridentity.username, ''),\n      nullif(useridentity.invokedby, ''),\n      nullif(useridentity.accountid, ''),"
    },
    {
      what: 'the order of the actor fallbacks',
      from: "nullif(useridentity.username, ''),\n      nullif(useridentity.onbehalfof.userid, ''),",
      to: "nullif(useridentity.onbehalfof.userid, ''),\n      nullif(useridentity.username, ''),"
    },
    {
      what: 'the records a row counts',
      from: 'sum(deliveries) AS records',
      to: 'COUNT(*) AS records'
    },
    {
      what: 'the count of events without an eventID',
      from: "CASE WHEN nullif(eventid, '') IS NULL THEN uuid() END",
      to: 'NULL'
    },
    {
      what: 'the time zone of the event date',
      from: "AT TIME ZONE 'UTC'",
      to: "AT TIME ZONE 'America/New_York'"
    },
    {
      what: 'the order of the evidence',
      from: 'min_by(evidence, evidence, 100)',
      to: 'max_by(evidence, evidence, 100)'
    },
    {
      what: 'the evidence kept of an event delivered twice',
      from: "min(CASE WHEN rules <> ''",
      to: "max(CASE WHEN rules <> ''"
    },
    {
      what: 'the first time',
      from: "coalesce(min(first_time), '')",
      to: "coalesce(max(first_time), '')"
    },
    {
      what: 'the cut of the request parameters',
      from: 'substr(requestparameters, 1, 1000)',
      to: 'substr(requestparameters, 1, 999)'
    }
  ]

  it.each(changes)('notices a change to $what', async ({ from, to }) => {
    const subject = plan(SINGLE, DAY_1, 'event-time', true)
    const { athena, reference } = await queryAndReference(
      subject,
      mutated(aggregationQuery(subject), from, to)
    )
    expect(athena).not.toEqual(reference)
  })
})

describe('the local engine', () => {
  /** The local engine's rows and the reference, each sorted. */
  async function localAndReference(
    subject: BothEngines
  ): Promise<{ local: AggregateRow[]; reference: AggregateRow[] }> {
    const [{ rows }, reference] = await Promise.all([
      scanDir(subject),
      referenceAggregate(logsDirOf(subject), subject)
    ])
    return { local: sorted(rows), reference: sorted(reference) }
  }

  const withoutEvidence = ({ evidence: _, ...row }: AggregateRow): Omit<AggregateRow, 'evidence'> =>
    row

  /** Every rule's findings as findings.csv and suppressed.csv list them, from the rows. */
  function listed(
    rows: readonly AggregateRow[],
    limit: number,
    entries: readonly SuppressionEntry[] = []
  ): unknown {
    const collector = new FindingsCollector(rules, limit, entries)
    for (const row of rows) collector.add(row)
    return { findings: collector.results(), suppressed: collector.suppressedResults() }
  }

  /**
   * The reference's rows but for their evidence, of which the local engine makes only what a
   * listing could take (`parser/listings.ts`); and what findings.csv and suppressed.csv list
   * from them is the same, finding for finding.
   */
  function expectReference(
    local: readonly AggregateRow[],
    reference: readonly AggregateRow[],
    limit: number,
    entries: readonly SuppressionEntry[] = []
  ): void {
    expect(local.map(withoutEvidence)).toEqual(reference.map(withoutEvidence))
    expect(listed(local, limit, entries)).toEqual(listed(reference, limit, entries))
  }

  const evidenceItems = (rows: readonly AggregateRow[]): number =>
    rows.reduce((sum, row) => sum + row.evidence.length, 0)

  it.each(cases)(
    'gives the reference aggregate by $boundary, dedupe $dedupe, over $days, evidence limit $limit',
    async ({ boundary, dedupe, window, limit }) => {
      const subject = plan(SINGLE, window, boundary, dedupe, { evidenceLimit: limit })
      const { local, reference } = await localAndReference(subject)
      expect(local.length).toBeGreaterThan(100)
      expectReference(local, reference, limit)
    }
  )

  it('makes less evidence than the reference when some of it cannot be listed', async () => {
    // How much less depends on which thread reads which file (each prunes its own): the exact
    // case is the file aggregator's test.
    const subject = plan(SINGLE, ALL_DAYS, 'event-time', true, { evidenceLimit: 1 })
    const { local, reference } = await localAndReference(subject)
    expect(evidenceItems(local)).toBeLessThan(evidenceItems(reference))
    expectReference(local, reference, 1)
  })

  it.each(DEDUPE.map((dedupe) => ({ dedupe })))(
    'gives the reference aggregate of an organization trail with a prefix, dedupe $dedupe',
    async ({ dedupe }) => {
      const { local, reference } = await localAndReference(
        plan(ORGANIZATION, ALL_DAYS, 'delivery', dedupe)
      )
      expectReference(local, reference, 100)
    }
  )

  it('gives the reference aggregate with suppressions: key~N tokens, as the Athena query does', async () => {
    const { entries } = parseSuppressions(SUPPRESSIONS, '.github/cloudtrail-report.yml', rules)
    const { local, reference } = await localAndReference(
      plan(SINGLE, ALL_DAYS, 'event-time', true, {
        rules: scanRules(rules, entries),
        evidenceLimit: 1
      })
    )
    for (const token of ['cloudtrail-changes~1', 'unauthorized-calls~2', 'unauthorized-calls~3']) {
      expect(
        local.some((row) => row.rules.split(' ').includes(token)),
        token
      ).toBe(true)
    }
    expectReference(local, reference, 1, entries)
  })

  it('gives the reference aggregate without any rule: no rules, times or evidence', async () => {
    const { local, reference } = await localAndReference(
      plan(SINGLE, DAY_1, 'event-time', true, { rules: [] })
    )
    expect(local.every((row) => row.rules === '' && row.evidence.length === 0)).toBe(true)
    expect(local).toEqual(reference)
  })
})
