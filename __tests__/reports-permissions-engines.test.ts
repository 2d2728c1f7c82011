/**
 * The permissions report is computed from the aggregate alone, so it is the same whichever engine
 * produced the aggregate: the local engine on generated log files, the project's Athena SQL on the
 * same files (run by DuckDB), and a hand-made aggregate of the same activity all give exactly the
 * files below.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AthenaOnDuckDB } from '../__fixtures__/duckdb-athena.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { localPlan, scanDir, writeLogFile } from '../__fixtures__/local-scan.js'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { aggregationQuery } from '../src/engine/athena/sql.js'
import { folderDays } from '../src/inputs/window.js'
import { buildReports, reportFiles } from '../src/reports/index.js'
import { makeRecord, type JsonObject } from '../scripts/generator/events.js'
import { Random } from '../scripts/generator/random.js'

const ACCOUNT = '111122223333'
const REGION = 'us-east-1'
const WINDOW = { start: '2026-11-01', end: '2026-11-02' }
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/ci-deploy`
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`
const CONFIG_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`

function assumed(roleArn: string): JsonObject {
  const role = roleArn.slice(roleArn.lastIndexOf('/') + 1)
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${role}-session`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${role}-session`,
    accountId: ACCOUNT,
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId: ACCOUNT } }
  }
}
const IDENTITIES: Record<string, JsonObject> = {
  deploy: assumed(DEPLOY),
  config: assumed(CONFIG_ROLE),
  alice: { type: 'IAMUser', arn: ALICE, accountId: ACCOUNT, userName: 'alice' },
  root: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
  ec2: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }
}

/** [who, eventSource, eventName, errorCode, UTC day, how many] */
type Call = readonly [keyof typeof IDENTITIES, string, string, string, string, number]
const CALLS: readonly Call[] = [
  ['deploy', 'ec2.amazonaws.com', 'DescribeInstances', '', '2026-11-01', 2],
  [
    'deploy',
    'ec2.amazonaws.com',
    'DescribeInstances',
    'Client.UnauthorizedOperation',
    '2026-11-02',
    1
  ],
  ['deploy', 'lambda.amazonaws.com', 'ListFunctions20150331', '', '2026-11-01', 2],
  ['deploy', 'lambda.amazonaws.com', 'GetFunction20150331v2', '', '2026-11-02', 1],
  ['deploy', 's3.amazonaws.com', 'ListBuckets', '', '2026-11-02', 1],
  ['deploy', 's3.amazonaws.com', 'HeadObject', '', '2026-11-01', 1],
  ['deploy', 's3.amazonaws.com', 'GetObject', '', '2026-11-02', 1],
  ['deploy', 'monitoring.amazonaws.com', 'DescribeAlarms', '', '2026-11-01', 1],
  ['deploy', 'iam.amazonaws.com', 'CreateRole', 'AccessDenied', '2026-11-01', 1],
  ['deploy', 's3.amazonaws.com', 'GetStorageLensDashboardDataInternal', '', '2026-11-02', 1],
  ['alice', 'signin.amazonaws.com', 'ConsoleLogin', '', '2026-11-01', 1],
  ['alice', 'sts.amazonaws.com', 'GetCallerIdentity', '', '2026-11-01', 2],
  ['alice', 'iam.amazonaws.com', 'GetRole', 'NoSuchEntity', '2026-11-02', 1],
  ['root', 'signin.amazonaws.com', 'ConsoleLogin', '', '2026-11-01', 1],
  ['ec2', 'ec2.amazonaws.com', 'CreateTags', '', '2026-11-01', 1],
  ['config', 'config.amazonaws.com', 'PutEvaluations', '', '2026-11-01', 1]
]

/** The same activity as the engines aggregate it, written out by hand. */
function row(
  principal: string,
  identitytype: string,
  eventsource: string,
  eventname: string,
  errorcode: string,
  eventdate: string,
  events: number
): AggregateRow {
  return {
    account: ACCOUNT,
    region: REGION,
    eventsource,
    eventname,
    eventdate,
    errorcode,
    identitytype,
    principal,
    actor: '',
    rules: '',
    first: '',
    last: '',
    evidence: [],
    events,
    records: events
  }
}
const HAND_MADE: readonly AggregateRow[] = [
  row(DEPLOY, 'AssumedRole', 'ec2.amazonaws.com', 'DescribeInstances', '', '2026-11-01', 2),
  row(
    DEPLOY,
    'AssumedRole',
    'ec2.amazonaws.com',
    'DescribeInstances',
    'Client.UnauthorizedOperation',
    '2026-11-02',
    1
  ),
  row(DEPLOY, 'AssumedRole', 'lambda.amazonaws.com', 'ListFunctions20150331', '', '2026-11-01', 2),
  row(DEPLOY, 'AssumedRole', 'lambda.amazonaws.com', 'GetFunction20150331v2', '', '2026-11-02', 1),
  row(DEPLOY, 'AssumedRole', 's3.amazonaws.com', 'ListBuckets', '', '2026-11-02', 1),
  row(DEPLOY, 'AssumedRole', 's3.amazonaws.com', 'HeadObject', '', '2026-11-01', 1),
  row(DEPLOY, 'AssumedRole', 's3.amazonaws.com', 'GetObject', '', '2026-11-02', 1),
  row(DEPLOY, 'AssumedRole', 'monitoring.amazonaws.com', 'DescribeAlarms', '', '2026-11-01', 1),
  row(DEPLOY, 'AssumedRole', 'iam.amazonaws.com', 'CreateRole', 'AccessDenied', '2026-11-01', 1),
  row(
    DEPLOY,
    'AssumedRole',
    's3.amazonaws.com',
    'GetStorageLensDashboardDataInternal',
    '',
    '2026-11-02',
    1
  ),
  row(ALICE, 'IAMUser', 'signin.amazonaws.com', 'ConsoleLogin', '', '2026-11-01', 1),
  row(ALICE, 'IAMUser', 'sts.amazonaws.com', 'GetCallerIdentity', '', '2026-11-01', 2),
  row(ALICE, 'IAMUser', 'iam.amazonaws.com', 'GetRole', 'NoSuchEntity', '2026-11-02', 1),
  row(
    `arn:aws:iam::${ACCOUNT}:root`,
    'Root',
    'signin.amazonaws.com',
    'ConsoleLogin',
    '',
    '2026-11-01',
    1
  ),
  row('ec2.amazonaws.com', 'AWSService', 'ec2.amazonaws.com', 'CreateTags', '', '2026-11-01', 1),
  row(CONFIG_ROLE, 'AssumedRole', 'config.amazonaws.com', 'PutEvaluations', '', '2026-11-01', 1)
]

const EXPECTED: Record<string, string> = {
  'permissions.csv': `"principal","action","events","denied","first","last"
"${DEPLOY}","ec2:DescribeInstances","3","1","2026-11-01","2026-11-02"
"${DEPLOY}","lambda:ListFunctions","2","0","2026-11-01","2026-11-01"
"${DEPLOY}","s3:GetObject","2","0","2026-11-01","2026-11-02"
"${ALICE}","sts:GetCallerIdentity","2","0","2026-11-01","2026-11-01"
"${DEPLOY}","cloudwatch:DescribeAlarms","1","0","2026-11-01","2026-11-01"
"${DEPLOY}","iam:CreateRole","1","1","2026-11-01","2026-11-01"
"${DEPLOY}","lambda:GetFunction","1","0","2026-11-02","2026-11-02"
"${DEPLOY}","s3:ListAllMyBuckets","1","0","2026-11-02","2026-11-02"
"${ALICE}","iam:GetRole","1","0","2026-11-02","2026-11-02"
`,
  'permissions-unmapped.csv': `"principal","eventsource","eventname","reason","events","denied","first","last"
"${DEPLOY}","s3.amazonaws.com","GetStorageLensDashboardDataInternal","no such action","1","0","2026-11-02","2026-11-02"
"${ALICE}","signin.amazonaws.com","ConsoleLogin","console sign-in","1","0","2026-11-01","2026-11-01"
`,
  'policies/111122223333-role-ci-deploy.json': `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Cloudwatch",
      "Effect": "Allow",
      "Action": [
        "cloudwatch:DescribeAlarms"
      ],
      "Resource": "*"
    },
    {
      "Sid": "Ec2",
      "Effect": "Allow",
      "Action": [
        "ec2:DescribeInstances"
      ],
      "Resource": "*"
    },
    {
      "Sid": "Lambda",
      "Effect": "Allow",
      "Action": [
        "lambda:GetFunction",
        "lambda:ListFunctions"
      ],
      "Resource": "*"
    },
    {
      "Sid": "S3",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:ListAllMyBuckets"
      ],
      "Resource": "*"
    }
  ]
}
`,
  'policies/111122223333-user-alice.json': `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Iam",
      "Effect": "Allow",
      "Action": [
        "iam:GetRole"
      ],
      "Resource": "*"
    },
    {
      "Sid": "Sts",
      "Effect": "Allow",
      "Action": [
        "sts:GetCallerIdentity"
      ],
      "Resource": "*"
    }
  ]
}
`
}

/** The permissions files of a run with `permissions: all` over the given aggregate. */
async function permissionsFilesOf(rows: readonly AggregateRow[]): Promise<Record<string, string>> {
  async function* aggregate(): AsyncIterable<AggregateRow> {
    yield* rows
  }
  const files = reportFiles(await buildReports(aggregate(), { permissions: { selection: 'all' } }))
  return Object.fromEntries(
    Object.entries(files).filter(
      ([name]) => name.startsWith('permissions') || name.startsWith('policies/')
    )
  )
}

let root: string
let logsDir: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'permissions-engines-'))
  logsDir = join(root, 'bucket')
  const random = new Random(13)
  const byDay = new Map<string, JsonObject[]>()
  for (const [who, source, name, errorCode, day, count] of CALLS) {
    for (let i = 0; i < count; i++) {
      const time = new Date(`${day}T10:${String(byDay.get(day)?.length ?? 0).padStart(2, '0')}:00Z`)
      const context = { random, account: ACCOUNT, region: REGION, time }
      const record = makeRecord(context, { source, name, weight: 1, readOnly: true }, 'user')
      record.userIdentity = IDENTITIES[who] ?? null
      if (errorCode !== '') record.errorCode = errorCode
      byDay.set(day, [...(byDay.get(day) ?? []), record])
    }
  }
  for (const [day, records] of byDay) {
    await writeLogFile(
      logsDir,
      { account: ACCOUNT, region: REGION, day },
      `${ACCOUNT}_CloudTrail_${REGION}_${day.replaceAll('-', '')}T1100Z_perm.json.gz`,
      JSON.stringify({ Records: records })
    )
  }
})

afterAll(() => rm(root, { recursive: true, force: true }))

describe('the permissions files', () => {
  it('from a hand-made aggregate', async () => {
    expect(await permissionsFilesOf(HAND_MADE)).toEqual(EXPECTED)
  })

  it('from the local engine on generated logs', async () => {
    const plan = localPlan(logsDir, {
      regions: [REGION],
      window: WINDOW,
      folderDays: folderDays(WINDOW, 'event-time')
    })
    const { rows } = await scanDir(plan)
    expect(await permissionsFilesOf(rows)).toEqual(EXPECTED)
  })

  it("from the Athena engine's SQL on the same logs", async () => {
    const duckdb = await AthenaOnDuckDB.open()
    try {
      const table = { catalog: 'AwsDataCatalog', database: 'default', table: 'cloudtrail_logs' }
      await duckdb.createTable(table, logsDir, { bucket: '', prefix: '', organizationId: '' })
      const plan = athenaPlan({
        table,
        regions: [REGION],
        window: WINDOW,
        folderDays: folderDays(WINDOW, 'event-time')
      })
      expect(await permissionsFilesOf(await duckdb.aggregate(aggregationQuery(plan)))).toEqual(
        EXPECTED
      )
    } finally {
      duckdb.close()
    }
  })
})
