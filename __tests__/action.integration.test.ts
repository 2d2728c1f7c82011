import { GetQueryExecutionCommand, AthenaClient } from '@aws-sdk/client-athena'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ownTableProperties,
  startMoto,
  type AthenaResult,
  type Moto
} from '../__fixtures__/moto.js'
import { ACTION, runBundledAction, type ActionRun } from '../__fixtures__/runner.js'
import { parseInputs } from '../src/inputs/inputs.js'
import { athenaSettings, type AthenaSettings } from '../src/plan/plan.js'
import {
  aggregationQuery,
  coldRunStatements,
  createTableStatement,
  showTablePropertiesStatement
} from '../src/engine/athena/sql.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'

const REGION = 'us-east-1'
const ACCOUNT = '123456789012'
const DAY = '2024-03-10'

/**
 * The regions the action reads without a 'regions' input: those of moto's DescribeRegions whose
 * folders `createTrailBucket` makes.
 */
const TRAIL_REGIONS = ['eu-west-1', 'us-east-1']

const AGGREGATE_HEADER = [
  'account',
  'region',
  'eventsource',
  'eventname',
  'eventdate',
  'errorcode',
  'identitytype',
  'principal',
  'actor',
  'rules',
  'events',
  'records',
  'first',
  'last',
  'evidence'
]

/** Rows given without `records`: each event delivered once, so records = events. */
function withRecords(rows: readonly (string | null)[][]): (string | null)[][] {
  return rows.map((row) => [...row.slice(0, 11), row[10] ?? null, ...row.slice(11)])
}

/**
 * The aggregate Athena would compute; moto hands it out as the aggregation's result. moto writes
 * the CSV without escaping quotes, so no row carries evidence (JSON): the refused reads are found
 * by a rule, with their times, and listed by none.
 */
const AGGREGATE: AthenaResult = [
  AGGREGATE_HEADER,
  ...withRecords([
    [
      ACCOUNT,
      'us-east-1',
      's3.amazonaws.com',
      'GetObject',
      DAY,
      '',
      'AssumedRole',
      `arn:aws:iam::${ACCOUNT}:role/reader`,
      'i-0123456789abcdef0',
      '',
      '120',
      '',
      '',
      null
    ],
    [
      ACCOUNT,
      'eu-west-1',
      'sts.amazonaws.com',
      'AssumeRole',
      DAY,
      '',
      'AWSService',
      'lambda.amazonaws.com',
      'lambda.amazonaws.com',
      '',
      '42',
      '',
      '',
      null
    ],
    [
      ACCOUNT,
      'eu-west-1',
      'ec2.amazonaws.com',
      'DescribeInstances',
      DAY,
      '',
      'IAMUser',
      `arn:aws:iam::${ACCOUNT}:user/ci`,
      'ci',
      '',
      '42',
      '',
      '',
      null
    ],
    [
      ACCOUNT,
      'us-east-1',
      's3.amazonaws.com',
      'GetObject',
      DAY,
      'AccessDenied',
      'AssumedRole',
      `arn:aws:iam::${ACCOUNT}:role/reader`,
      'i-0123456789abcdef0',
      'unauthorized-calls',
      '5',
      `${DAY}T08:00:00Z`,
      `${DAY}T09:30:00Z`,
      null
    ],
    [
      ACCOUNT,
      'us-east-1',
      'iam.amazonaws.com',
      'CreateAccessKey',
      DAY,
      null,
      'IAMUser',
      `arn:aws:iam::${ACCOUNT}:user/ci`,
      'ci',
      '',
      '3',
      '',
      '',
      null
    ]
  ])
]

const EVENTS_CSV = `"awsregion","eventsource","eventname","eventtime","count"
"us-east-1","s3.amazonaws.com","GetObject","2024-03-10","125"
"eu-west-1","ec2.amazonaws.com","DescribeInstances","2024-03-10","42"
"eu-west-1","sts.amazonaws.com","AssumeRole","2024-03-10","42"
"us-east-1","iam.amazonaws.com","CreateAccessKey","2024-03-10","3"
`

const aws = {
  region: REGION,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
}

let moto: Moto
let workdir: string

/** The bundled action against moto, with the runner's environment. */
function runAction(inputs: Record<string, string>): Promise<ActionRun> {
  return runBundledAction(workdir, inputs, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing'
  })
}

/** A CloudTrail delivery: Athena does not read it under moto, but the bucket looks like a trail's. */
function delivery(region: string, eventName: string): Buffer {
  const record = {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/ci`, accountId: ACCOUNT },
    eventTime: `${DAY}T08:00:00Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: region,
    eventID: `${region}-${eventName}`,
    recipientAccountId: ACCOUNT
  }
  return gzipSync(JSON.stringify({ Records: [record] }))
}

async function createTrailBucket(): Promise<void> {
  const s3 = new S3Client({ ...aws, endpoint: moto.endpoint, forcePathStyle: true })
  for (const bucket of ['trail-logs', 'athena-results']) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  }
  for (const region of ['us-east-1', 'eu-west-1']) {
    const folder = `AWSLogs/${ACCOUNT}/CloudTrail/${region}/2024/03/10`
    await s3.send(
      new PutObjectCommand({
        Bucket: 'trail-logs',
        Key: `${folder}/${ACCOUNT}_CloudTrail_${region}_20240310T0805Z_a1b2c3d4e5f6g7h8.json.gz`,
        Body: delivery(region, 'DescribeInstances')
      })
    )
  }
}

/** The plan the action makes of these inputs, to build the SQL it must have sent. */
function planFor(inputs: Record<string, string>, regions: readonly string[]): AthenaSettings {
  return athenaSettings(
    parseInputs((input) => inputs[input] ?? '', new Date()),
    regions,
    BUILTIN_RULES
  )
}

function athenaCalls(requests: { target: string | undefined }[]): Record<string, number> {
  const calls: Record<string, number> = {}
  for (const { target } of requests) {
    if (target?.startsWith('AmazonAthena.')) {
      const operation = target.slice('AmazonAthena.'.length)
      calls[operation] = (calls[operation] ?? 0) + 1
    }
  }
  return calls
}

function queriesStarted(requests: { target: string | undefined; body: string }[]): string[] {
  return requests
    .filter(({ target }) => target === 'AmazonAthena.StartQueryExecution')
    .map(({ body }) => (JSON.parse(body) as { QueryString: string }).QueryString)
}

beforeAll(async () => {
  if (!existsSync(ACTION)) {
    throw new Error(`${ACTION} is missing: run 'npm run bundle' before the integration tests`)
  }
  moto = await startMoto()
})

afterAll(async () => {
  await moto?.stop()
})

beforeEach(async () => {
  await moto.reset()
  workdir = await mkdtemp(join(tmpdir(), 'action-run-'))
})

afterEach(async () => {
  await rm(workdir, { recursive: true, force: true })
})

describe('the bundled action against moto', () => {
  it('reports a day of the trail through Athena: CSV, outputs and job summary', async () => {
    await createTrailBucket()
    // One result per query started: SHOW TBLPROPERTIES (moto has no GetTableMetadata; its empty
    // answer means no table), CREATE, SHOW TBLPROPERTIES again, then the aggregation.
    await moto.queueAthenaResults(REGION, [
      [],
      [],
      ownTableProperties({ bucket: 'trail-logs', prefix: '', organizationId: '' }),
      AGGREGATE
    ])

    const inputs = {
      bucket: 'trail-logs',
      account: ACCOUNT,
      date: DAY,
      'output-location': 's3://athena-results/cloudtrail/'
    }

    const run = await runAction(inputs)

    expect(run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)
    const queryId = run.outputs['query-execution-id'] ?? ''
    expect(run.outputs).toEqual({
      'csv-path': join(run.reportDir, 'events.csv'),
      'report-dir': run.reportDir,
      'total-events': '212',
      'query-execution-id': queryId,
      'data-scanned-bytes': '0',
      flagged: '0'
    })
    expect(await readFile(join(run.reportDir, 'events.csv'), 'utf8')).toBe(EVENTS_CSV)
    const denied = BUILTIN_RULES.find((rule) => rule.key === 'unauthorized-calls')
    expect(await readFile(join(run.reportDir, 'rules.csv'), 'utf8')).toBe(
      `"level","rule","title","author","tags","findings","success","denied","error","first","last","principals"
"low","unauthorized-calls","API call denied","cloudtrail-athena-report","${denied?.tags.join(' ')}","5","0","5","0","${DAY}T08:00:00Z","${DAY}T09:30:00Z","arn:aws:iam::${ACCOUNT}:role/reader"
`
    )
    expect(run.summary).toBe(expectedSummary(queryId))
    expect(run.stdout).toContain(
      '::warning::Could not look up table default.cloudtrail_report with GetTableMetadata (is not available: HTTP 500, SyntaxError); reading its properties with SHOW TBLPROPERTIES instead. Allow athena:GetTableMetadata to save that query on every run.\n'
    )
    expect(run.stdout).toContain(
      '::warning::Artifact upload skipped: not running inside GitHub Actions\n'
    )

    // The SQL moto received is the SQL the plan builds, and the query id is the aggregation's.
    const plan = planFor(inputs, TRAIL_REGIONS)
    const requests = await moto.awsRequests()
    const queries = queriesStarted(requests)
    expect(queries).toEqual([
      showTablePropertiesStatement(plan.table),
      createTableStatement(plan),
      showTablePropertiesStatement(plan.table),
      aggregationQuery(plan)
    ])
    const athena = new AthenaClient({ ...aws, endpoint: moto.endpoint })
    const { QueryExecution } = await athena.send(
      new GetQueryExecutionCommand({ QueryExecutionId: queryId })
    )
    expect(QueryExecution?.Query).toBe(aggregationQuery(plan))

    // moto has no GetTableMetadata: the SDK tries its 500 six times (maxAttempts in aws.ts).
    expect(athenaCalls(requests)).toEqual({
      GetTableMetadata: 6,
      StartQueryExecution: 4,
      GetQueryExecution: 4,
      GetQueryResults: 2
    })
    // Path-style S3 against the loopback endpoint: /BUCKET/KEY.
    expect(
      requests
        .filter(({ method, url }) => method === 'GET' && url.includes('/athena-results/'))
        .map(({ url }) => new URL(url).pathname)
    ).toEqual([`/athena-results/cloudtrail/${queryId}.csv`])
  })

  it('with manual partitioning, adds the window partitions in one statement before the query', async () => {
    await createTrailBucket()
    await moto.queueAthenaResults(REGION, [[], [], ownTableProperties(), [], AGGREGATE])
    const inputs = {
      bucket: 'trail-logs',
      account: ACCOUNT,
      date: DAY,
      regions: 'us-east-1,eu-west-1',
      partitioning: 'manual',
      'day-boundary': 'delivery',
      dedupe: 'false',
      'output-location': 's3://athena-results/cloudtrail/'
    }

    const run = await runAction(inputs)

    expect(run.code).toBe(0)
    expect(await readFile(join(run.reportDir, 'events.csv'), 'utf8')).toBe(EVENTS_CSV)
    const plan = planFor(inputs, ['us-east-1', 'eu-west-1'])
    const [create, ...rest] = coldRunStatements(plan)
    const show = showTablePropertiesStatement(plan.table)
    expect(queriesStarted(await moto.awsRequests())).toEqual([show, create, show, ...rest])
    expect(rest).toHaveLength(2)
  })

  it('rejects a bad input by name before any AWS request', async () => {
    const run = await runAction({ bucket: 'trail-logs', account: '12345', date: DAY })

    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `::error::Input 'account' must be 12-digit AWS account ids; got "12345"\n`
    )
    expect(await moto.awsRequests()).toEqual([])
    expect(run.outputs).toEqual({})
  })
})

/** The job summary for `AGGREGATE`, moto's regions and the query moto ran, byte for byte. */
function expectedSummary(queryId: string): string {
  const link = `https://us-east-1.console.aws.amazon.com/athena/home?region=us-east-1#/query-editor/history/${queryId}`
  return `## CloudTrail activity, 2024-03-10

|  |  |
| --- | --- |
| Window | 2024-03-10 UTC, by event time |
| Accounts | 123456789012 |
| Regions | 2: ${TRAIL_REGIONS.join(', ')} |
| Total events | 212 |
| Data scanned | 0 B (about $0.000048 at $5/TB, 10 MB minimum) |
| Athena query | [${queryId}](${link}) |

### 🚩 Detections

| Level | Rule | Findings | Principals |
| --- | --- | --- | --- |
| low | API call denied (unauthorized-calls) | 5 | arn:aws:iam::123456789012:role/reader |

5 findings are counted but not listed in findings.csv (evidence-limit 100).

### Top events

| Region | Event source | Event name | Date | Events |
| --- | --- | --- | --- | ---: |
| us-east-1 | s3.amazonaws.com | GetObject | 2024-03-10 | 125 |
| eu-west-1 | ec2.amazonaws.com | DescribeInstances | 2024-03-10 | 42 |
| eu-west-1 | sts.amazonaws.com | AssumeRole | 2024-03-10 | 42 |
| us-east-1 | iam.amazonaws.com | CreateAccessKey | 2024-03-10 | 3 |

### Top principals

| Identity type | Principal | Events | Errors | Distinct calls |
| --- | --- | ---: | ---: | ---: |
| AssumedRole | arn:aws:iam::123456789012:role/reader | 125 | 5 | 1 |
| IAMUser | arn:aws:iam::123456789012:user/ci | 45 | 0 | 2 |
| AWSService | lambda.amazonaws.com | 42 | 0 | 1 |

### Errors

| Event source | Event name | Error code | Events |
| --- | --- | --- | ---: |
| s3.amazonaws.com | GetObject | AccessDenied | 5 |

### Regions

| Region | Events |
| --- | ---: |
| us-east-1 | 128 |
| eu-west-1 | 84 |

### Events per service

\`\`\`mermaid
pie showData
  "s3.amazonaws.com" : 125
  "ec2.amazonaws.com" : 42
  "sts.amazonaws.com" : 42
  "iam.amazonaws.com" : 3
\`\`\`
`
}
