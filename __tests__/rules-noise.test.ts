/**
 * Noise control: the calls AWS services make on their own behalf must not drown the report. On a
 * generated day where VPC flow-log delivery is refused writing to its bucket every five minutes,
 * CloudTrail is refused reading a bucket's ACL every quarter hour, and services acting for their
 * callers are refused now and then, beside a person's few refused calls, `unauthorized-calls`
 * finds the person's refusals only and `log-delivery-denied` gathers the refused deliveries under
 * one name: one row of the summary's findings. The same on the Athena SQL (run by DuckDB) and on
 * the local engine's predicates (the reference aggregate).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AthenaOnDuckDB } from '../__fixtures__/duckdb-athena.js'
import { writeLogFile } from '../__fixtures__/local-scan.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { referenceAggregate } from '../__fixtures__/reference-aggregate.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'
import {
  ACCOUNT,
  assumedRole,
  awsService,
  call,
  denied,
  iamUser,
  through,
  type JsonObject
} from '../scripts/generator/records.js'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { aggregationQuery } from '../src/engine/athena/sql.js'
import { buildReports, type Reports } from '../src/reports/index.js'
import { findingsSection } from '../src/reports/summary/findings.js'

const DAY = '2026-11-02'
const TABLE = { catalog: 'AwsDataCatalog', database: 'default', table: 'service_noise' }
const PLAN = athenaPlan({
  table: TABLE,
  layout: { bucket: '', prefix: '', organizationId: '' },
  accounts: [ACCOUNT],
  regions: ['eu-west-1'],
  window: { start: DAY, end: DAY },
  rules: BUILTIN_RULES
})

/** `record` at `minute` minutes past midnight of the day. */
function at(minute: number, record: JsonObject): JsonObject {
  const time = new Date(Date.parse(`${DAY}T00:00:00Z`) + minute * 60_000)
  return { ...record, eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z') }
}

const every = (minutes: number, make: () => JsonObject): JsonObject[] =>
  Array.from({ length: (24 * 60) / minutes }, (_, i) => at(i * minutes, make()))

const FLOW_LOGS = every(5, () =>
  denied(
    call('s3', 'PutObject', {
      identity: awsService('delivery.logs.amazonaws.com'),
      request: { bucketName: 'org-flow-logs', key: 'AWSLogs/flow.log.gz' }
    })
  )
)
const TRAIL_ACL = every(15, () =>
  denied(
    call('s3', 'GetBucketAcl', {
      identity: awsService('cloudtrail.amazonaws.com'),
      request: { bucketName: 'org-cloudtrail-logs', acl: '' }
    })
  )
)
/** Services acting for a caller, or on their own, refused calls that are not log delivery. */
const SERVICES = every(60, () =>
  denied(
    call('ec2', 'DescribeSubnets', {
      identity: through('autoscaling.amazonaws.com', assumedRole())
    })
  )
).concat(
  every(120, () => denied(call('kms', 'Decrypt', { identity: awsService('rds.amazonaws.com') })))
)
const PERSON = [
  at(600, denied(call('iam', 'ListUsers', { identity: iamUser('mallory') }))),
  at(601, denied(call('iam', 'ListRoles', { identity: iamUser('mallory') }))),
  at(602, denied(call('ec2', 'DescribeInstances', { identity: iamUser('mallory') })))
]

let root: string
let duckdb: AthenaOnDuckDB
let athena: AggregateRow[]
let reference: AggregateRow[]
let reports: Reports

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'service-noise-'))
  await writeLogFile(
    root,
    { account: ACCOUNT, region: 'eu-west-1', day: DAY },
    `${ACCOUNT}_CloudTrail_eu-west-1_20261102T2355Z_ServiceNoise.json.gz`,
    JSON.stringify({ Records: [...FLOW_LOGS, ...TRAIL_ACL, ...SERVICES, ...PERSON] })
  )
  duckdb = await AthenaOnDuckDB.open()
  await duckdb.createTable(TABLE, root, PLAN.layout)
  athena = await duckdb.aggregate(aggregationQuery(PLAN))
  reference = await referenceAggregate(root, PLAN)
  async function* rows(): AsyncIterable<AggregateRow> {
    yield* athena
  }
  reports = await buildReports(rows(), { rules: BUILTIN_RULES, evidenceLimit: 10 })
})

afterAll(async () => {
  duckdb?.close()
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

const findingsOf = (key: string): number =>
  reports.findings.find((result) => result.rule.key === key)?.findings ?? 0

describe('calls AWS services make on their own behalf', () => {
  it('are matched alike by the Athena SQL and the local predicates', () => {
    const key = (row: AggregateRow): string => JSON.stringify(row)
    expect(athena.map(key).sort()).toEqual(reference.map(key).sort())
  })

  it('are not unauthorized calls: those are the person’s refusals only', () => {
    expect(findingsOf('unauthorized-calls')).toBe(PERSON.length)
    const result = reports.findings.find((found) => found.rule.key === 'unauthorized-calls')
    expect(result?.actors).toEqual(['mallory'])
  })

  it('are refused log deliveries, all under one rule', () => {
    expect(findingsOf('log-delivery-denied')).toBe(FLOW_LOGS.length + TRAIL_ACL.length)
    expect(reports.findings.map((result) => result.rule.key)).toEqual([
      'log-delivery-denied',
      'unauthorized-calls'
    ])
  })

  it('are one row of the summary, beside the person’s', () => {
    const section = findingsSection(reports.findings, {
      oneDay: true,
      accounts: 1,
      regions: 1,
      top: 10
    })
    const rows = section.split('\n').filter((line) => /^\| (🟨|🟦)/.test(line))
    expect(rows).toEqual([
      '| 🟨&nbsp;medium | Log delivery to a bucket denied<br><sub>log-delivery-denied</sub> | **384** denied | cloudtrail.amazonaws.com +1 | 00:00–23:55 |',
      `| 🟦&nbsp;low | API call denied<br><sub>unauthorized-calls</sub> | **3** denied | …&#8288;${ACCOUNT}:user/mallory | 10:00–10:02 |`
    ])
  })
})
