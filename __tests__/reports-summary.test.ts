import { describe, expect, it } from 'vitest'
import { testRule } from '../__fixtures__/rule.js'
import { leastWidth, tables } from '../__fixtures__/summary-layout.js'
import type { AggregateRow, Evidence } from '../src/engine/aggregate.js'
import { queryCostUsd } from '../src/reports/cost.js'
import { resolveFailOn } from '../src/reports/fail-on.js'
import { buildReports, type Reports } from '../src/reports/index.js'
import { renderSummary, SUMMARY_LIMIT_BYTES, type RunInfo } from '../src/reports/summary/index.js'
import { MAX_COLUMNS, shortened } from '../src/reports/summary/text.js'
import { GAP_RULES } from '../src/rules/gaps.js'
import { parseSuppressions, type SuppressionEntry } from '../src/rules/suppressions.js'

const ACCOUNT = '111122223333'
const OTHER = '444455556666'
const DAY = '2026-11-29'
const HOSTILE = '<img src=x onerror=alert(1)>|x'
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5a1b2c3d4e5f6a7b`
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci-deploy`
/** The widest a table's row may need to be, in characters: what fits a 720-pixel comment. */
const TABLE_WIDTH = 80

const ROOT = testRule('root-activity', { level: 'critical', title: 'Root user activity' })
const TRAIL = testRule('cloudtrail-changes', {
  level: 'high',
  title: 'CloudTrail trail changed or stopped'
})
const DENIED = testRule('unauthorized-calls', { level: 'low', title: 'API call denied' })
const RULES = [TRAIL, ROOT, DENIED]

const RUN: RunInfo = {
  window: { start: DAY, end: DAY },
  dayBoundary: 'event-time',
  accounts: [ACCOUNT],
  regions: ['eu-west-1', 'us-east-1'],
  engine: 'athena',
  dedupe: true,
  top: 3,
  queryExecutionId: 'a1b2c3d4-0000-1111-2222-333344445555',
  dataScannedBytes: 123_456_789,
  athenaRegion: 'us-east-1',
  evidenceLimit: 4,
  rulesRun: { all: 3, builtin: 3 },
  artifact: {
    name: `cloudtrail-report-${DAY}-audit`,
    runUrl: 'https://github.com/octo/infra/actions/runs/1',
    upload: { url: 'https://github.com/octo/infra/actions/runs/1/artifacts/9' }
  }
}

function row(partial: Partial<AggregateRow> & Pick<AggregateRow, 'events'>): AggregateRow {
  const evidence = partial.evidence ?? []
  return {
    account: ACCOUNT,
    region: 'us-east-1',
    eventsource: 'iam.amazonaws.com',
    eventname: 'ListUsers',
    eventdate: DAY,
    errorcode: '',
    identitytype: 'AssumedRole',
    principal: DEPLOY_ROLE,
    actor: 'gha-1234',
    rules: '',
    first: evidence[0]?.eventtime ?? '',
    last: evidence.at(-1)?.eventtime ?? '',
    evidence,
    records: partial.events,
    ...partial
  }
}

function evidence(time: string, id: string, more: Partial<Evidence> = {}): Evidence {
  return {
    eventtime: `${DAY}T${time}Z`,
    eventid: id,
    sourceipaddress: '203.0.113.7',
    useragent: 'aws-cli/2.17.12',
    resources: '',
    requestparameters: '',
    ...more
  }
}

const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/organization-trail`

const SUPPRESSIONS = parseSuppressions(
  [
    'suppressions:',
    '  unauthorized-calls:',
    '    - principal: "*:role/security-scanner"',
    '      reason: The scanner probes what it may call',
    '    - actor: ghost',
    '      reason: An old test user',
    ''
  ].join('\n'),
  '.github/cloudtrail-report.yml',
  RULES
)

/** A day with findings of three rules, one of them suppressed in part. */
const FINDINGS_DAY: readonly AggregateRow[] = [
  // Global events, delivered again by a second trail: dedupe counts each once.
  row({ events: 41_000, records: 41_180 }),
  row({ eventsource: 'sts.amazonaws.com', eventname: 'AssumeRole', events: 200, records: 236 }),
  row({
    eventsource: 'cloudtrail.amazonaws.com',
    eventname: 'StopLogging',
    identitytype: 'Root',
    principal: `arn:aws:iam::${ACCOUNT}:root`,
    actor: '',
    rules: 'cloudtrail-changes root-activity',
    events: 1,
    evidence: [evidence('03:12:44', 'e1', { resources: TRAIL_ARN, sourceipaddress: HOSTILE })]
  }),
  row({
    eventsource: 'cloudtrail.amazonaws.com',
    eventname: 'StopLogging',
    principal: SSO_ROLE,
    actor: 'alice@example.com',
    rules: 'cloudtrail-changes',
    events: 2,
    evidence: [
      evidence('10:00:01', 'e2', { resources: TRAIL_ARN }),
      evidence('10:05:00', 'e3', { resources: TRAIL_ARN })
    ]
  }),
  row({
    eventsource: 'cloudtrail.amazonaws.com',
    eventname: 'DeleteTrail',
    errorcode: 'AccessDenied',
    principal: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    identitytype: 'IAMUser',
    actor: 'mallory',
    rules: 'cloudtrail-changes',
    events: 1,
    evidence: [
      evidence('11:00:00', 'e4', { resources: TRAIL_ARN, sourceipaddress: '198.51.100.23' })
    ]
  }),
  row({
    region: 'eu-west-1',
    eventsource: 's3.amazonaws.com',
    eventname: 'GetBucketPolicy',
    errorcode: 'AccessDenied',
    rules: 'unauthorized-calls',
    events: 120,
    evidence: ['08:10:00', '08:14:00', '09:11:00', '09:15:00'].map((time, i) =>
      evidence(time, `d${i}`, { requestparameters: '{"bucketName":"prod-data-exports"}' })
    )
  }),
  row({
    eventsource: 'ec2.amazonaws.com',
    eventname: 'DescribeInstances',
    errorcode: 'Client.UnauthorizedOperation',
    principal: `arn:aws:iam::${ACCOUNT}:role/security-scanner`,
    actor: 'scan',
    rules: 'unauthorized-calls~1',
    events: 12,
    evidence: [evidence('01:00:00', 's1')]
  })
]

/** A day with events and no findings, on two accounts and two regions. */
const QUIET_DAY: readonly AggregateRow[] = [ACCOUNT, OTHER].flatMap((account, a) =>
  ['eu-west-1', 'us-east-1'].flatMap((region, r) => [
    row({ account, region, events: 1000 * (a + 1) + 10 * r }),
    row({
      account,
      region,
      eventsource: 'ec2.amazonaws.com',
      eventname: 'DescribeInstances',
      events: 300 + r
    }),
    row({
      account,
      region,
      eventsource: 's3.amazonaws.com',
      eventname: 'GetObject',
      errorcode: 'NoSuchKey',
      events: 7
    })
  ])
)

const RANGE = { start: '2026-11-23', end: DAY }
/** Events on four of the window's seven days. */
const RANGE_ROWS: readonly AggregateRow[] = ['2026-11-23', '2026-11-24', '2026-11-27', DAY].map(
  (day, i) => row({ eventdate: day, events: 500 * (i + 1) })
)

/** The range's silent days: no log file in any folder. */
const SILENT_FOLDERS = ['2026-11-25', '2026-11-26', '2026-11-28'].flatMap((day) =>
  ['eu-west-1', 'us-east-1'].map((region) => ({ account: ACCOUNT, region, day }))
)

const LOCAL_RUN: RunInfo = {
  window: { start: DAY, end: DAY },
  dayBoundary: 'event-time',
  accounts: [ACCOUNT, OTHER],
  regions: ['eu-west-1', 'us-east-1'],
  engine: 'local',
  dedupe: true,
  top: 3,
  filesRead: 1_234,
  emptyFolders: [],
  evidenceLimit: 100,
  rulesRun: { all: 93, builtin: 93 }
}

async function reportsOf(
  rows: readonly AggregateRow[],
  options: {
    failOn?: readonly string[]
    accounts?: readonly string[]
    window?: RunInfo['window']
    suppressions?: readonly SuppressionEntry[]
  } = {}
): Promise<Reports> {
  async function* stream(): AsyncIterable<AggregateRow> {
    yield* rows
  }
  return buildReports(stream(), {
    rules: RULES,
    evidenceLimit: 4,
    failOn:
      options.failOn === undefined
        ? undefined
        : resolveFailOn(options.failOn, [...RULES, ...GAP_RULES]),
    gaps: { window: options.window ?? RUN.window, accounts: options.accounts ?? [ACCOUNT] },
    suppressions:
      options.suppressions === undefined
        ? undefined
        : { file: '.github/cloudtrail-report.yml', entries: options.suppressions }
  })
}

/** A day's findings run: fail-on `high`, and a suppressions file with a used and an unused entry. */
async function findingsSummary(): Promise<string> {
  const reports = await reportsOf(FINDINGS_DAY, {
    failOn: ['high'],
    suppressions: SUPPRESSIONS.entries
  })
  const run: RunInfo = {
    ...RUN,
    failOn: reports.failOn,
    suppressions: { file: SUPPRESSIONS.file, entries: SUPPRESSIONS.entries, expired: [] }
  }
  return renderSummary(run, reports, SUMMARY_LIMIT_BYTES)
}

async function quietSummary(): Promise<string> {
  const reports = await reportsOf(QUIET_DAY, { accounts: [ACCOUNT, OTHER] })
  return renderSummary(LOCAL_RUN, reports, SUMMARY_LIMIT_BYTES)
}

async function rangeSummary(): Promise<string> {
  const reports = await reportsOf(RANGE_ROWS, { window: RANGE })
  const run = {
    ...LOCAL_RUN,
    window: RANGE,
    accounts: [ACCOUNT],
    emptyFolders: SILENT_FOLDERS,
    dedupe: false
  }
  return renderSummary(run, reports, SUMMARY_LIMIT_BYTES)
}

/** The second account logged nothing, its folders empty; the first used one region only. */
async function gapSummary(): Promise<string> {
  const rows = QUIET_DAY.filter((row) => row.account === ACCOUNT && row.region === 'us-east-1')
  const reports = await reportsOf(rows, { accounts: [ACCOUNT, OTHER], failOn: ['logging-gap'] })
  const emptyFolders = [
    { account: OTHER, region: 'eu-west-1', day: DAY },
    { account: OTHER, region: 'us-east-1', day: DAY },
    { account: ACCOUNT, region: 'eu-west-1', day: DAY }
  ]
  return renderSummary(
    { ...LOCAL_RUN, failOn: reports.failOn, emptyFolders },
    reports,
    SUMMARY_LIMIT_BYTES
  )
}

describe('the summary', () => {
  it('puts a day’s findings first: a headline by level, a row per rule, each rule’s first findings', async () => {
    expect(await findingsSummary()).toBe(`## CloudTrail report, 2026-11-29

**1 critical, 4 high, 120 low findings** in 2026-11-29 for 1 account, 2 regions, 41,336 events. 12 findings suppressed.

> [!CAUTION]
> fail-on matched 4 events: high (4)

### Findings

| Level | Rule | Findings | Who | When (UTC) |
| --- | --- | --- | --- | --- |
| 🟥&nbsp;critical | Root user activity<br><sub>root-activity</sub> | **1** succeeded | arn:aws:iam::111122223333:root | 03:12 |
| 🟧&nbsp;high | CloudTrail trail changed or stopped<br><sub>cloudtrail-changes</sub> | **4**<br>3 succeeded, 1 denied | …&#8288;111122223333:role/a…d4e5f6a7b +2<br>alice@&#8203;example.com | 03:12–11:00 |
| 🟦&nbsp;low | API call denied<br><sub>unauthorized-calls</sub> | **120** denied | …&#8288;111122223333:role/ci-deploy<br>gha-1234 | 08:10–09:15 |

<details><summary>🟥 Root user activity: 1 finding</summary>

| Time (UTC) | Actor, source IP | Event, outcome | Target |
| --- | --- | --- | --- |
| 03:12:44 | …&#8288;111122223333:root<br>&lt;img sr…=alert(1)&gt;\\|x | StopLogging<br>success<br>cloudtrail · us-east-1 | …&#8288;:trail/or…nization-trail |

</details>

<details><summary>🟧 CloudTrail trail changed or stopped: first 3 of 4 findings</summary>

| Time (UTC) | Actor, source IP | Event, outcome | Target |
| --- | --- | --- | --- |
| 03:12:44 | …&#8288;111122223333:root<br>&lt;img sr…=alert(1)&gt;\\|x | StopLogging<br>success<br>cloudtrail · us-east-1 | …&#8288;:trail/or…nization-trail |
| 10:00:01 | alice@&#8203;example.com<br>203.0.113.7 | StopLogging<br>success<br>cloudtrail · us-east-1 | …&#8288;:trail/or…nization-trail |
| 10:05:00 | alice@&#8203;example.com<br>203.0.113.7 | StopLogging<br>success<br>cloudtrail · us-east-1 | …&#8288;:trail/or…nization-trail |

1 more in findings.csv.

</details>

<details><summary>🟦 API call denied: first 3 of 120 findings</summary>

| Time (UTC) | Actor, source IP | Event, outcome | Target |
| --- | --- | --- | --- |
| 08:10:00 | gha-1234<br>203.0.113.7 | GetBucketPolicy<br>**denied**<br>s3 · eu-west-1 | bucketName: prod-data-exports |
| 08:14:00 | gha-1234<br>203.0.113.7 | GetBucketPolicy<br>**denied**<br>s3 · eu-west-1 | bucketName: prod-data-exports |
| 09:11:00 | gha-1234<br>203.0.113.7 | GetBucketPolicy<br>**denied**<br>s3 · eu-west-1 | bucketName: prod-data-exports |

117 more: 1 in findings.csv, 116 counted and not listed (evidence-limit).

</details>

### Suppressed findings

12 findings matched an entry of .github/cloudtrail-report.yml: expected, so neither above nor in \`fail-on\`; they are in suppressed.csv.

| Rule | Entry | Reason | Findings |
| --- | --- | --- | ---: |
| unauthorized-calls | line 3 | The scanner probes what it may call | 12 |

> [!WARNING]
> - .github/cloudtrail-report.yml, line 5 (unauthorized-calls) matched nothing in 2026-11-29. Remove it if it is no longer needed.

### Events per service

\`\`\`mermaid
pie showData
  "iam" : 41000
  "sts" : 200
  "s3" : 120
  "ec2" : 12
  "cloudtrail" : 4
\`\`\`

### Top events

| Region | Event | Events |
| --- | --- | ---: |
| us-east-1 | iam ListUsers | 41,000 |
| us-east-1 | sts AssumeRole | 200 |
| eu-west-1 | s3 GetBucketPolicy | 120 |

3 more rows are in events.csv.

### Top principals

| Principal, actors | Type | Events | Errors |
| --- | --- | ---: | ---: |
| arn:aws:iam::111122223333:role/ci-deploy<br>gha-1234 | AssumedRole | 41,320 | 120 |
| …&#8288;111122223333:role/security-scanner<br>scan | AssumedRole | 12 | 12 |
| …&#8288;111122223333:role/aws-r…a1b2c3d4e5f6a7b<br>alice@&#8203;example.com | AssumedRole | 2 | 0 |

2 more rows are in principals.csv.

### Errors

| Event | Error code | Events |
| --- | --- | ---: |
| s3 GetBucketPolicy | AccessDenied | 120 |
| ec2 DescribeInstances | Client.UnauthorizedOperation | 12 |
| cloudtrail DeleteTrail | AccessDenied | 1 |

### Regions

| Region | Events |
| --- | ---: |
| us-east-1 | 41,216 |
| eu-west-1 | 120 |

### Run

|  |  |
| --- | --- |
| Window | 2026-11-29 UTC, by event time |
| Accounts | 111122223333 |
| Regions | 2: eu-west-1, us-east-1 |
| Events | 41,336; dedupe dropped 216 duplicate deliveries (41,552 records delivered) |
| Athena | 117.7 MiB scanned, about $0.000563 (at $5/TB, 10 MB minimum); query [a1b2c3d4-0000-1111-2222-333344445555](https://us-east-1.console.aws.amazon.com/athena/home?region=us-east-1#/query-editor/history/a1b2c3d4-0000-1111-2222-333344445555) |
| Rules | 3 run (3 built-in, 0 yours) |
| Suppressions | .github/cloudtrail-report.yml: 2 entries, 12 findings suppressed |
| fail-on | 4 events matched |
| Report files | [artifact](https://github.com/octo/infra/actions/runs/1/artifacts/9) |
`)
  })

  it('says in one line that a day had no findings', async () => {
    expect(await quietSummary()).toBe(`## CloudTrail report, 2026-11-29

**No findings** in 2026-11-29 for 2 accounts, 2 regions, 7,250 events.

### Events per service

\`\`\`mermaid
pie showData
  "iam" : 6020
  "ec2" : 1202
  "s3" : 28
\`\`\`

### Top events

| Region | Event | Events |
| --- | --- | ---: |
| us-east-1 | iam ListUsers | 3,020 |
| eu-west-1 | iam ListUsers | 3,000 |
| us-east-1 | ec2 DescribeInstances | 602 |

3 more rows are in events.csv.

### Top principals

| Principal, actors | Type | Events | Errors |
| --- | --- | ---: | ---: |
| arn:aws:iam::111122223333:role/ci-deploy<br>gha-1234 | AssumedRole | 7,250 | 28 |

### Errors

| Event | Error code | Events |
| --- | --- | ---: |
| s3 GetObject | NoSuchKey | 28 |

### Regions

| Region | Events |
| --- | ---: |
| us-east-1 | 3,636 |
| eu-west-1 | 3,614 |

### Run

|  |  |
| --- | --- |
| Window | 2026-11-29 UTC, by event time |
| Accounts | 111122223333, 444455556666 |
| Regions | 2: eu-west-1, us-east-1 |
| Events | 7,250; dedupe dropped 0 duplicate deliveries (7,250 records delivered) |
| Log files | 1,234 read; every day folder of the window has some |
| Rules | 93 run (93 built-in, 0 yours) |
`)
  })

  it('charts every day of a range from zero, the empty days included, and finds their gap', async () => {
    expect(await rangeSummary()).toBe(`## CloudTrail report, 2026-11-23..2026-11-29

**3 high findings; 0 critical** in 2026-11-23..2026-11-29 for 1 account, 2 regions, 5,000 events.

### Findings

| Level | Rule | Findings | Who | First – last (UTC) |
| --- | --- | --- | --- | --- |
| 🟧&nbsp;high | No events from an account for a day<br><sub>logging-gap</sub> | 3 days | 111122223333 | 11-25 – 11-28 |

<details><summary>🟧 No events from an account for a day: 3 days</summary>

| Day | Account | Region | Log files |
| --- | --- | --- | --- |
| 2026-11-25 | 111122223333 | every region | none delivered |
| 2026-11-26 | 111122223333 | every region | none delivered |
| 2026-11-28 | 111122223333 | every region | none delivered |

</details>

### Events per day

\`\`\`mermaid
xychart-beta
  x-axis ["11-23", "11-24", "11-25", "11-26", "11-27", "11-28", "11-29"]
  y-axis "Events" 0 --> 2000
  bar [500, 1000, 0, 0, 1500, 0, 2000]
\`\`\`

3 days of the window had no event at all.

### Top events

| Region | Event | Day | Events |
| --- | --- | --- | ---: |
| us-east-1 | iam ListUsers | 2026-11-29 | 2,000 |
| us-east-1 | iam ListUsers | 2026-11-27 | 1,500 |
| us-east-1 | iam ListUsers | 2026-11-24 | 1,000 |

1 more row is in events.csv.

### Top principals

| Principal, actors | Type | Events | Errors |
| --- | --- | ---: | ---: |
| arn:aws:iam::111122223333:role/ci-deploy<br>gha-1234 | AssumedRole | 5,000 | 0 |

### Regions

| Region | Events |
| --- | ---: |
| us-east-1 | 5,000 |

### Run

|  |  |
| --- | --- |
| Window | 2026-11-23..2026-11-29 UTC, by event time |
| Accounts | 111122223333 |
| Regions | 2: eu-west-1, us-east-1 |
| Events | 5,000 (dedupe off: every delivered record counts) |
| Log files | 1,234 read; 6 day folders of the window without any |
| Rules | 93 run (93 built-in, 0 yours) |
`)
  })

  it('makes a silent account a high logging gap, saying its folders had no log file', async () => {
    expect(await gapSummary()).toBe(`## CloudTrail report, 2026-11-29

**1 high finding; 0 critical** in 2026-11-29 for 2 accounts, 2 regions, 1,318 events.

> [!CAUTION]
> fail-on matched 1 logging gap: logging-gap (1)

### Findings

| Level | Rule | Findings | Who | When (UTC) |
| --- | --- | --- | --- | --- |
| 🟧&nbsp;high | No events from an account for a day<br><sub>logging-gap</sub> | 1 day | 444455556666 | all day |

<details><summary>🟧 No events from an account for a day: 1 day</summary>

| Day | Account | Region | Log files |
| --- | --- | --- | --- |
| 2026-11-29 | 444455556666 | every region | none delivered |

</details>

### Events per service

\`\`\`mermaid
pie showData
  "iam" : 1010
  "ec2" : 301
  "s3" : 7
\`\`\`

### Top events

| Region | Event | Events |
| --- | --- | ---: |
| us-east-1 | iam ListUsers | 1,010 |
| us-east-1 | ec2 DescribeInstances | 301 |
| us-east-1 | s3 GetObject | 7 |

### Top principals

| Principal, actors | Type | Events | Errors |
| --- | --- | ---: | ---: |
| arn:aws:iam::111122223333:role/ci-deploy<br>gha-1234 | AssumedRole | 1,318 | 7 |

### Errors

| Event | Error code | Events |
| --- | --- | ---: |
| s3 GetObject | NoSuchKey | 7 |

### Regions

| Region | Events |
| --- | ---: |
| us-east-1 | 1,318 |

### Run

|  |  |
| --- | --- |
| Window | 2026-11-29 UTC, by event time |
| Accounts | 111122223333, 444455556666 |
| Regions | 2: eu-west-1, us-east-1 |
| Events | 1,318; dedupe dropped 0 duplicate deliveries (1,318 records delivered) |
| Log files | 1,234 read; 3 day folders of the window without any |
| Rules | 93 run (93 built-in, 0 yours) |
| fail-on | 1 logging gap matched |
`)
  })

  it('fits a pull request comment: five columns at most, no table row over 80 characters', async () => {
    const long = 'x'.repeat(300)
    const hostile = await reportsOf(
      [
        ...FINDINGS_DAY,
        row({
          eventsource: `${long}.amazonaws.com`,
          eventname: `Get${long}`,
          errorcode: `AccessDenied${long}`,
          principal: `arn:aws:iam::${ACCOUNT}:role/${long}`,
          actor: `${long}@example.com`,
          rules: 'unauthorized-calls',
          events: 1,
          evidence: [
            evidence('00:00:01', 'x', {
              sourceipaddress: long,
              resources: `arn:aws:s3:::${long} arn:aws:s3:::${long}/key`,
              requestparameters: `{"${long}":1}`
            })
          ]
        })
      ],
      { suppressions: SUPPRESSIONS.entries }
    )
    const summaries = [
      await findingsSummary(),
      await quietSummary(),
      await rangeSummary(),
      await gapSummary(),
      renderSummary({ ...RUN, top: 10 }, hostile, SUMMARY_LIMIT_BYTES)
    ]
    for (const summary of summaries) {
      const found = tables(summary)
      expect(found.length).toBeGreaterThan(0)
      for (const table of found) {
        expect(table.columns, table.header).toBeLessThanOrEqual(MAX_COLUMNS)
        for (const line of table.lines) {
          expect(leastWidth(line), line).toBeLessThanOrEqual(TABLE_WIDTH)
        }
      }
    }
  })

  it('lists every rule that matched, with a block of findings for the first `top` of them', async () => {
    const summary = renderSummary(
      { ...RUN, top: 1 },
      await reportsOf(FINDINGS_DAY, { suppressions: SUPPRESSIONS.entries }),
      SUMMARY_LIMIT_BYTES
    )
    const findings = summary.slice(summary.indexOf('### Findings'), summary.indexOf('### Events'))
    expect(
      tables(findings)[0]
        ?.lines.slice(2)
        .map((line) => line.split(' | ')[1])
    ).toEqual([
      'Root user activity<br><sub>root-activity</sub>',
      'CloudTrail trail changed or stopped<br><sub>cloudtrail-changes</sub>',
      'API call denied<br><sub>unauthorized-calls</sub>'
    ])
    expect(findings.match(/<details>/g)).toHaveLength(1)
    expect(findings).toContain('\nThe findings of the 2 other rules are in findings.csv.\n')
    expect(findings).not.toContain('rules.csv')
  })

  it('names the actors a principal does not already name: not an IAM user’s name, not a service', async () => {
    const reports = await reportsOf([
      row({
        identitytype: 'IAMUser',
        principal: `arn:aws:iam::${ACCOUNT}:user/bert`,
        actor: 'bert',
        events: 3
      }),
      row({
        identitytype: 'AWSService',
        principal: 'rds.amazonaws.com',
        actor: 'rds.amazonaws.com',
        events: 2
      })
    ])
    const summary = renderSummary(RUN, reports, SUMMARY_LIMIT_BYTES)
    expect(summary).toContain(
      '| Principal, actors | Type | Events | Errors |\n| --- | --- | ---: | ---: |\n' +
        `| arn:aws:iam::${ACCOUNT}:user/bert | IAMUser | 3 | 0 |\n` +
        '| rds.amazonaws.com | AWSService | 2 | 0 |\n'
    )
  })

  it('shortens a long ARN in the middle: its start first, then the middle of its name', () => {
    expect(shortened(`arn:aws:iam::${ACCOUNT}:role/ci-deploy`)).toBe(
      'arn:aws:iam::111122223333:role/ci-deploy'
    )
    expect(shortened(SSO_ROLE)).toBe('…&#8288;111122223333:role/aws-r…a1b2c3d4e5f6a7b')
    expect(shortened(`arn:aws:iam::${ACCOUNT}:root`, 24)).toBe('…&#8288;111122223333:root')
    expect(shortened(`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/organization-trail`, 21)).toBe(
      '…&#8288;:trail/o…ation-trail'
    )
    expect(shortened(`Mozilla/5.0 ${'x'.repeat(60)} Safari/605.1.15`)).toBe(
      'Mozilla/5.0 xxx…xxxxxxxx Safari/605.1.15'
    )
  })

  it('gives the services’ pie a slice for the others, so its percentages are of every event', async () => {
    const services = Array.from({ length: 12 }, (_, i) =>
      row({ eventsource: `service${String(i).padStart(2, '0')}.amazonaws.com`, events: 100 - i })
    )
    const summary = renderSummary(RUN, await reportsOf(services), SUMMARY_LIMIT_BYTES)
    expect(summary).toContain(
      '```mermaid\npie showData\n  "service00" : 100\n  "service01" : 99\n  "service02" : 98\n  "service03" : 97\n  "service04" : 96\n  "service05" : 95\n  "service06" : 94\n  "service07" : 93\n  "service08" : 92\n  "3 other services" : 270\n```\n'
    )
  })

  it('warns of a suppression that expired, and of one that matched nothing', async () => {
    const { entries } = parseSuppressions(
      'suppressions:\n  root-activity:\n    - account: "*"\n      reason: Drills\n      expires: 2026-10-31\n',
      'expected.yml',
      RULES
    )
    const summary = renderSummary(
      { ...RUN, suppressions: { file: 'expected.yml', entries, expired: entries } },
      await reportsOf(QUIET_DAY),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain(
      '### Suppressed findings\n\n> [!WARNING]\n> - expected.yml, line 3 (root-activity) expired on 2026-10-31: its findings count again. Renew or remove it.\n'
    )
  })

  it('writes a rule’s title as HTML in its block’s summary, where markdown escapes would show', async () => {
    const odd = testRule('odd', { level: 'high', title: 'Odd *rule* <b>@admin</b>' })
    async function* stream(): AsyncIterable<AggregateRow> {
      yield row({ rules: 'odd', events: 1, evidence: [evidence('01:00:00', 'o1')] })
    }
    const summary = renderSummary(
      RUN,
      await buildReports(stream(), { rules: [odd] }),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain(
      '<details><summary>🟧 Odd *rule* &lt;b&gt;@&#8203;admin&lt;/b&gt;: 1 finding</summary>'
    )
    expect(summary).toContain(
      '| Odd \\*rule\\* &lt;b&gt;@&#8203;admin&lt;/b&gt;<br><sub>odd</sub> |'
    )
  })

  it('names the artifact while it uploads, and says when it was not uploaded', async () => {
    const reports = await reportsOf([])
    const artifact = { name: 'report_@x', runUrl: 'https://github.com/octo/infra/actions/runs/1' }
    const pending = renderSummary(
      { ...RUN, artifact: { ...artifact, upload: 'pending' } },
      reports,
      SUMMARY_LIMIT_BYTES
    )
    expect(pending).toContain(
      '| Report files | artifact report\\_@&#8203;x of [this run](https://github.com/octo/infra/actions/runs/1) |'
    )
    const failed = renderSummary(
      { ...RUN, artifact: { ...artifact, upload: 'failed' } },
      reports,
      SUMMARY_LIMIT_BYTES
    )
    expect(failed).toContain(
      "| Report files | artifact report\\_@&#8203;x not uploaded: see the step's error |"
    )
  })

  it('lists the rules that were not run, and why', async () => {
    const summary = renderSummary(
      {
        ...RUN,
        rulesNotRun: [
          {
            file: 'sigma/aws_burst.yml',
            id: '5f1e0c3a-0000-4000-8000-000000000001',
            title: 'Burst',
            reason: 'timeframe (an aggregation)'
          },
          {
            file: 'sigma/okta.yml',
            id: 'okta-1',
            title: '',
            reason: 'its logsource okta/okta is not AWS CloudTrail (aws/cloudtrail)'
          }
        ]
      },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain(
      '### Rules not run\n\n| File | Rule | Why |\n| --- | --- | --- |\n| sigma/aws\\_burst.yml | Burst (5f1e0c3a-0000-4000-8000-000000000001) | timeframe (an aggregation) |\n| sigma/okta.yml | okta-1 | its logsource okta/okta is not AWS CloudTrail (aws/cloudtrail) |\n'
    )
    expect(summary).toContain('| Rules | 3 run (3 built-in, 0 yours); 2 not run (listed above) |')
  })

  it('lists skipped files', async () => {
    const summary = renderSummary(
      {
        ...LOCAL_RUN,
        skippedFiles: [{ path: 'AWSLogs/x.json.gz', reason: 'unexpected end of file' }]
      },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain(
      '| Log files | 1,234 read; 1 skipped (listed below); every day folder of the window has some |'
    )
    expect(summary).toContain(
      '### Skipped log files\n\n| File | Reason |\n| --- | --- |\n| AWSLogs/x.json.gz | unexpected end of file |\n'
    )
  })

  it('says at the top, and in the run’s facts, how many log files were archived and not read', async () => {
    const summary = renderSummary(
      { ...RUN, archived: { files: 12, maybe: 0, complete: true } },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain(
      '## CloudTrail report, 2026-11-29\n\n**1 high finding; 0 critical** in 2026-11-29 for 1 account, 2 regions, 0 events.\n\n> [!WARNING]\n> Incomplete: 12 log files of the window are archived (S3 Glacier Flexible Retrieval, Deep Archive or an Intelligent-Tiering archive tier) and were not read: the counts leave out their events. Restore them to count them.\n'
    )
    expect(summary).toContain('| Log files | 12 archived, not read (see above) |')
  })

  it('says the counts may be short when the storage classes could not be checked', async () => {
    const summary = renderSummary(
      {
        ...RUN,
        archived: {
          files: 0,
          maybe: 0,
          complete: false,
          unchecked: 'S3 ListObjectsV2 failed: AccessDenied: Access Denied'
        }
      },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain('| Log files | archived files not checked (see above) |')
    expect(summary).toContain(
      "\n> [!WARNING]\n> Maybe incomplete: The storage classes of the window's log files could not be checked (S3 ListObjectsV2 failed: AccessDenied: Access Denied): archived files, which Athena skips, may be missing from the counts.\n"
    )
  })

  it('says nothing of archives when no file was archived', async () => {
    const summary = renderSummary(
      { ...RUN, archived: { files: 0, maybe: 0, complete: true } },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).not.toContain('rchived')
    expect(summary).not.toContain('[!WARNING]')
  })

  it('says when Athena reused an earlier result instead of scanning', async () => {
    const summary = renderSummary(
      { ...RUN, dataScannedBytes: 0, resultReused: true },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain(
      '| Athena | 0 B: Athena reused the result of an identical earlier query (result-reuse-minutes); query [a1b2c3d4-0000-1111-2222-333344445555]'
    )
  })

  it('drops invisible characters from chart labels', async () => {
    const summary = renderSummary(
      RUN,
      await reportsOf([row({ eventsource: 'iam.amazonaws.com\u202E\u200Bmoc', events: 1 })]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain('  "iam.amazonaws.commoc" : 1\n')
  })

  it('stays under the size limit, saying how many rows and findings it left out', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      row({
        eventname: `Call${String(i).padStart(4, '0')}`,
        principal: `arn:aws:iam::${ACCOUNT}:role/${'r'.repeat(150)}${i}`,
        rules: 'unauthorized-calls',
        evidence: [evidence('01:00:00', `id${i}`)],
        events: 1
      })
    )
    const summary = renderSummary({ ...RUN, top: 1000 }, await reportsOf(many), 65_000)
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(65_000)
    expect(summary).toContain('2,500 more rows are in events.csv.')
    expect(summary).toContain('2,996 more, counted and not listed (evidence-limit).')
  })

  it('prices a query at $5 per TB with a 10 MB minimum', () => {
    expect(queryCostUsd(0)).toBe(queryCostUsd(10 * 1024 ** 2))
    expect(queryCostUsd(1024 ** 4)).toBe(5)
    expect(queryCostUsd(1024 ** 4 + 1)).toBeCloseTo(5 + (5 * 1024 ** 2) / 1024 ** 4, 12)
  })
})
