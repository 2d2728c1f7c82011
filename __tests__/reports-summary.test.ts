import { describe, expect, it } from 'vitest'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { queryCostUsd } from '../src/reports/cost.js'
import { testRule } from '../__fixtures__/rule.js'
import type { Evidence } from '../src/engine/aggregate.js'
import { resolveFailOn } from '../src/reports/fail-on.js'
import { escapeText } from '../src/reports/markdown.js'
import { buildReports, type Reports } from '../src/reports/index.js'
import { renderSummary, SUMMARY_LIMIT_BYTES, type RunInfo } from '../src/reports/summary/index.js'

const RUN: RunInfo = {
  window: { start: '2026-11-22', end: '2026-11-23' },
  dayBoundary: 'event-time',
  accounts: ['111122223333'],
  regions: ['eu-west-1', 'us-east-1'],
  engine: 'athena',
  top: 2,
  queryExecutionId: 'a1b2c3d4-0000-1111-2222-333344445555',
  dataScannedBytes: 123_456_789,
  athenaRegion: 'us-east-1',
  evidenceLimit: 2,
  artifact: {
    name: 'cloudtrail-report-2026-11-22..2026-11-23-audit',
    runUrl: 'https://github.com/octo/infra/actions/runs/1',
    upload: { url: 'https://github.com/octo/infra/actions/runs/1/artifacts/9' }
  }
}

const HOSTILE = '<img src=x onerror=alert(1)>|x'

function row(partial: Partial<AggregateRow> & { events: number }): AggregateRow {
  return {
    account: '111122223333',
    region: 'us-east-1',
    eventsource: 'iam.amazonaws.com',
    eventname: 'ListUsers',
    eventdate: '2026-11-22',
    errorcode: '',
    identitytype: 'IAMUser',
    principal: 'arn:aws:iam::111122223333:user/ci',
    actor: '',
    rules: '',
    first: '',
    last: '',
    evidence: [],
    records: partial.events,
    ...partial
  }
}

const RULES = [
  testRule('root-activity', { level: 'critical', title: 'Root activity' }),
  testRule('unauthorized-calls', { level: 'low', title: 'Unauthorized *calls*' })
]

function evidence(eventtime: string): Evidence {
  return {
    eventtime,
    eventid: eventtime,
    sourceipaddress: '',
    useragent: '',
    resources: '',
    requestparameters: ''
  }
}

async function reportsOf(rows: AggregateRow[], failOn?: readonly string[]): Promise<Reports> {
  async function* stream(): AsyncIterable<AggregateRow> {
    yield* rows
  }
  return buildReports(stream(), {
    rules: RULES,
    evidenceLimit: 2,
    failOn: failOn === undefined ? undefined : resolveFailOn(failOn, RULES)
  })
}

const ROWS = [
  row({ events: 1234 }),
  row({
    region: 'eu-west-1',
    eventsource: 's3.amazonaws.com',
    eventname: 'GetObject',
    errorcode: 'AccessDenied',
    rules: 'unauthorized-calls',
    events: 5,
    evidence: [evidence('2026-11-22T01:00:00Z'), evidence('2026-11-22T02:00:00Z')]
  }),
  row({
    eventsource: 'cloudtrail.amazonaws.com',
    eventname: 'StopLogging',
    eventdate: '2026-11-23',
    identitytype: 'Root',
    principal: HOSTILE,
    rules: 'root-activity',
    events: 1,
    evidence: [evidence('2026-11-23T00:00:00Z')]
  })
]

describe('summary', () => {
  it('renders the headline, fail-on, detections by severity, top tables, regions and a chart', async () => {
    const reports = await reportsOf(ROWS, ['root-activity'])
    const run = { ...RUN, failOn: reports.failOn }
    expect(renderSummary(run, reports, SUMMARY_LIMIT_BYTES))
      .toBe(`## CloudTrail activity, 2026-11-22..2026-11-23

|  |  |
| --- | --- |
| Window | 2026-11-22..2026-11-23 UTC, by event time |
| Accounts | 111122223333 |
| Regions | 2: eu-west-1, us-east-1 |
| Total events | 1,240 |
| Flagged (fail-on) | 1 |
| Data scanned | 117.7 MiB (about $0.000563 at $5/TB, 10 MB minimum) |
| Athena query | [a1b2c3d4-0000-1111-2222-333344445555](https://us-east-1.console.aws.amazon.com/athena/home?region=us-east-1#/query-editor/history/a1b2c3d4-0000-1111-2222-333344445555) |
| Report files | [artifact](https://github.com/octo/infra/actions/runs/1/artifacts/9) |

> [!CAUTION]
> fail-on matched 1 event: root-activity (1)

### 🚩 Detections

| Level | Rule | Findings | Principals |
| --- | --- | --- | --- |
| critical | Root activity (root-activity) | 1 | &lt;img src=x onerror=alert(1)&gt;\\|x |
| low | Unauthorized \\*calls\\* (unauthorized-calls) | 5 | arn:aws:iam::111122223333:user/ci |

3 findings are counted but not listed in findings.csv (evidence-limit 2).

### Top events

| Region | Event source | Event name | Date | Events |
| --- | --- | --- | --- | ---: |
| us-east-1 | iam.amazonaws.com | ListUsers | 2026-11-22 | 1,234 |
| eu-west-1 | s3.amazonaws.com | GetObject | 2026-11-22 | 5 |

1 more row is in the CSV.

### Top principals

| Identity type | Principal | Events | Errors | Distinct calls |
| --- | --- | ---: | ---: | ---: |
| IAMUser | arn:aws:iam::111122223333:user/ci | 1,239 | 5 | 2 |
| Root | &lt;img src=x onerror=alert(1)&gt;\\|x | 1 | 0 | 1 |

### Errors

| Event source | Event name | Error code | Events |
| --- | --- | --- | ---: |
| s3.amazonaws.com | GetObject | AccessDenied | 5 |

### Regions

| Region | Events |
| --- | ---: |
| us-east-1 | 1,235 |
| eu-west-1 | 5 |

### Events per day

\`\`\`mermaid
xychart-beta
  x-axis ["2026-11-22", "2026-11-23"]
  y-axis "Events"
  bar [1239, 1]
\`\`\`
`)
  })

  it('charts events per service for a single day', async () => {
    const reports = await reportsOf([
      row({ events: 3 }),
      row({ eventsource: 'sts.amazonaws.com', events: 2 })
    ])
    const summary = renderSummary(
      { ...RUN, window: { start: '2026-11-22', end: '2026-11-22' } },
      reports,
      SUMMARY_LIMIT_BYTES
    )
    expect(
      summary.endsWith(
        '### Events per service\n\n```mermaid\npie showData\n  "iam.amazonaws.com" : 3\n  "sts.amazonaws.com" : 2\n```\n'
      )
    ).toBe(true)
  })

  it('renders a hostile principal as text, never as HTML or a table break', async () => {
    const summary = renderSummary(RUN, await reportsOf(ROWS), SUMMARY_LIMIT_BYTES)
    expect(summary).not.toContain('<img')
    expect(summary).toContain('| Root | &lt;img src=x onerror=alert(1)&gt;\\|x | 1 | 0 | 1 |')
  })

  it('escapes markdown emphasis, code, links and line breaks', () => {
    expect(escapeText('*a* _b_ `c` [d](e) ~~f~~ \\g\nh & i')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\~\\~f\\~\\~ \\\\g h &amp; i'
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

  it('keeps @mentions and team mentions from notifying anyone', () => {
    expect(escapeText('@octocat asked @octo-org/security')).toBe(
      '@&#8203;octocat asked @&#8203;octo-org/security'
    )
  })

  it('keeps #123, owner/repo#123 and GH-123 from referencing issues', () => {
    expect(escapeText('fixes #123, octo/infra#45 and gh-7')).toBe(
      'fixes #&#8203;123, octo/infra#&#8203;45 and gh&#8203;-7'
    )
    expect(escapeText('role #admin')).toBe('role #admin')
  })

  it('keeps bare URLs from becoming links', () => {
    expect(escapeText('aws-cli/2.0 (+https://evil.example/x) www.evil.example FTP://host')).toBe(
      'aws-cli/2.0 (+https:&#8203;//evil.example/x) www&#8203;.evil.example FTP:&#8203;//host'
    )
  })

  it('keeps e-mail-like session names from becoming mailto links', () => {
    expect(escapeText('assumed-role/admin/alice@example.com')).toBe(
      'assumed-role/admin/alice@&#8203;example.com'
    )
  })

  it('shows bidirectional controls and other invisible characters as code points', () => {
    expect(escapeText('invoice\u202Efdp.exe')).toBe('invoice\\[U+202E\\]fdp.exe')
    expect(escapeText('\u2066a\u2069 \u200Eb\u200F \u061Cc')).toBe(
      '\\[U+2066\\]a\\[U+2069\\] \\[U+200E\\]b\\[U+200F\\] \\[U+061C\\]c'
    )
    expect(escapeText('ad\u200Bmin\uFEFF\u00AD\u2060\u{E0041}\u0007\u2028')).toBe(
      'ad\\[U+200B\\]min\\[U+FEFF\\]\\[U+00AD\\]\\[U+2060\\]\\[U+E0041\\]\\[U+0007\\]\\[U+2028\\]'
    )
  })

  it('keeps $ from starting inline math', () => {
    expect(escapeText('$\\color{red}{x}$')).toBe('\\$\\\\color{red}{x}\\$')
  })

  it('drops invisible characters from chart labels', async () => {
    const summary = renderSummary(
      { ...RUN, window: { start: '2026-11-22', end: '2026-11-22' } },
      await reportsOf([row({ eventsource: 'iam.amazonaws.com\u202E\u200Bmoc', events: 1 })]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain('  "iam.amazonaws.commoc" : ')
  })

  it('leaves out empty sections', async () => {
    const summary = renderSummary(
      { ...RUN, queryExecutionId: undefined, artifact: undefined },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).not.toContain('###')
    expect(summary).toContain('| Total events | 0 |')
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
  })

  it('lists a rule’s first principals, and how many more', async () => {
    const summary = renderSummary(
      RUN,
      await reportsOf(
        ['a', 'b', 'c', 'd', 'e'].map((name) =>
          row({ principal: name, rules: 'root-activity', events: 1 })
        )
      ),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain(
      '| critical | Root activity (root-activity) | 5 | a, b, c and 2 more |'
    )
  })

  it('lists skipped files', async () => {
    const summary = renderSummary(
      { ...RUN, skippedFiles: [{ path: 'AWSLogs/x.json.gz', reason: 'unexpected end of file' }] },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain('| Log files skipped | 1 (listed below) |')
    expect(summary).toContain(
      '### Skipped log files\n\n| File | Reason |\n| --- | --- |\n| AWSLogs/x.json.gz | unexpected end of file |\n'
    )
  })

  it('says at the top, and in the headline, how many log files were archived and not read', async () => {
    const summary = renderSummary(
      { ...RUN, archived: { files: 12, maybe: 0, complete: true } },
      await reportsOf([]),
      SUMMARY_LIMIT_BYTES
    )
    expect(summary).toContain('## CloudTrail activity, 2026-11-22..2026-11-23\n\n|  |  |')
    expect(summary).toContain('| Archived log files, not read | 12 (see above) |')
    expect(summary).toContain(
      '\n> [!WARNING]\n> Incomplete: 12 log files of the window are archived (S3 Glacier Flexible Retrieval, Deep Archive or an Intelligent-Tiering archive tier) and were not read: the counts leave out their events. Restore them to count them.\n'
    )
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
    expect(summary).toContain('| Archived log files | not checked (see above) |')
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
      '| Data scanned | 0 B: Athena reused the result of an identical earlier query (result-reuse-minutes) |'
    )
  })

  it('stays under the size limit, saying how many rows it left out', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      row({
        eventname: `Call${String(i).padStart(4, '0')}`,
        principal: `arn:aws:iam::111122223333:role/${'r'.repeat(150)}${i}`,
        events: 1
      })
    )
    const summary = renderSummary({ ...RUN, top: 1000 }, await reportsOf(many), 65_000)
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(65_000)
    expect(summary).toContain('2,875 more rows are in the CSV.')
  })

  it('prices a query at $5 per TB with a 10 MB minimum', () => {
    expect(queryCostUsd(0)).toBe(queryCostUsd(10 * 1024 ** 2))
    expect(queryCostUsd(1024 ** 4)).toBe(5)
    expect(queryCostUsd(1024 ** 4 + 1)).toBeCloseTo(5 + (5 * 1024 ** 2) / 1024 ** 4, 12)
  })
})
