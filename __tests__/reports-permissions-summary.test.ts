import { describe, expect, it } from 'vitest'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { parsePolicyDocument } from '../src/inputs/policy-document.js'
import { buildReports, type ReportOptions, type Reports } from '../src/reports/index.js'
import { permissionsSection } from '../src/reports/permissions/summary.js'
import { renderSummary, SUMMARY_LIMIT_BYTES, type RunInfo } from '../src/reports/summary/index.js'

const DEPLOY = 'arn:aws:iam::111122223333:role/ci-deploy'
const HOSTILE = 'arn:aws:iam::111122223333:user/<img src=x>|`x`'
const ARTIFACT = 'https://github.com/octo/infra/actions/runs/1/artifacts/9'

/** [principal, eventsource, eventname, errorcode, events] */
const ACTIVITY: readonly [string, string, string, string, number][] = [
  [DEPLOY, 'ec2.amazonaws.com', 'DescribeInstances', '', 120],
  [DEPLOY, 'ec2.amazonaws.com', 'RunInstances', 'Client.UnauthorizedOperation', 3],
  [DEPLOY, 'ec2.amazonaws.com', 'CreateTags', '', 4],
  [DEPLOY, 's3.amazonaws.com', 'GetObject', '', 40],
  [DEPLOY, 'iam.amazonaws.com', 'CreateRole', 'AccessDenied', 1],
  [DEPLOY, 'iam.amazonaws.com', 'GetRole', '', 7],
  [DEPLOY, 'signin.amazonaws.com', 'ConsoleLogin', '', 1],
  [DEPLOY, 'sqs.amazonaws.com', 'NoSuchCall', '', 1],
  [HOSTILE, 'sts.amazonaws.com', 'GetCallerIdentity', 'AccessDenied', 2],
  ['arn:aws:iam::111122223333:user/carol', 'signin.amazonaws.com', 'ConsoleLogin', '', 1],
  ['ec2.amazonaws.com', 'ec2.amazonaws.com', 'CreateTags', '', 500]
]

async function reportsOf(options: ReportOptions): Promise<Reports> {
  async function* aggregate(): AsyncIterable<AggregateRow> {
    for (const [principal, eventsource, eventname, errorcode, events] of ACTIVITY) {
      yield {
        account: '111122223333',
        region: 'us-east-1',
        eventsource,
        eventname,
        eventdate: '2026-11-22',
        errorcode,
        identitytype: principal.includes(':iam::') ? 'AssumedRole' : 'AWSService',
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
  }
  return buildReports(aggregate(), options)
}

const ALLOW_LIST = {
  path: 'infra/allowed-actions.json',
  document: parsePolicyDocument(
    JSON.stringify({ Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 's3:*', 'sts:*'] }] })
  )
}

describe('the permissions section of the summary', () => {
  it('sums up each principal, flags what the allow-list does not allow, and links the policy', async () => {
    const reports = await reportsOf({ permissions: { selection: 'all', allowList: ALLOW_LIST } })
    expect(permissionsSection(reports.permissions, ARTIFACT, 10)).toBe(`### Permissions used

> [!CAUTION]
> 1 principal used actions that infra/allowed-actions.json does not allow (\`fail-on-permissions\`).

#### arn:aws:iam::111122223333:role/ci-deploy

- 6 actions in 3 services, 4 in the policy; top: ec2 (3 actions, 127 events), s3 (1 action, 40 events), iam (2 actions, 8 events)
- Denied: \`ec2:RunInstances\` (3), \`iam:CreateRole\` (1)
- **Not allowed** by infra/allowed-actions.json: \`ec2:CreateTags\`, \`iam:GetRole\`
- Unmapped: signin.amazonaws.com:ConsoleLogin (1 event, console sign-in), sqs.amazonaws.com:NoSuchCall (1 event, no such action)
- Policy: [\`policies/111122223333-role-ci-deploy.json\`](${ARTIFACT}) in the artifact

#### arn:aws:iam::111122223333:user/&lt;img src=x&gt;\\|\\\`x\\\`

- 1 action in 1 service, 0 in the policy; top: sts (1 action, 2 events)
- Denied: \`sts:GetCallerIdentity\` (2)
- Policy: none (no call was allowed)

#### arn:aws:iam::111122223333:user/carol

- No IAM action: only unmapped events
- Unmapped: signin.amazonaws.com:ConsoleLogin (1 event, console sign-in)
- Policy: none (no call was allowed)
`)
  })

  it('shows the top principals only, and links the policy beside summary.md without an artifact', async () => {
    const reports = await reportsOf({ permissions: { selection: 'all' } })
    expect(permissionsSection(reports.permissions, undefined, 1)).toBe(`### Permissions used

#### arn:aws:iam::111122223333:role/ci-deploy

- 6 actions in 3 services, 4 in the policy; top: ec2 (3 actions, 127 events), s3 (1 action, 40 events), iam (2 actions, 8 events)
- Denied: \`ec2:RunInstances\` (3), \`iam:CreateRole\` (1)
- Unmapped: signin.amazonaws.com:ConsoleLogin (1 event, console sign-in), sqs.amazonaws.com:NoSuchCall (1 event, no such action)
- Policy: [\`policies/111122223333-role-ci-deploy.json\`](policies/111122223333-role-ci-deploy.json)

2 more principals are in permissions.csv.
`)
  })

  it('says so when no selected principal acted, and is absent without permissions', async () => {
    const none = await reportsOf({ permissions: { selection: ['arn:aws:iam::*:role/nobody'] } })
    expect(permissionsSection(none.permissions, ARTIFACT, 10)).toBe(
      '### Permissions used\n\nNo selected principal made a call in the window.\n'
    )
    const off = await reportsOf({})
    expect(off.permissions).toBeUndefined()
    expect(permissionsSection(off.permissions, ARTIFACT, 10)).toBe('')
  })

  it('is part of the job summary, with the artifact link', async () => {
    const run: RunInfo = {
      window: { start: '2026-11-22', end: '2026-11-22' },
      dayBoundary: 'event-time',
      accounts: ['111122223333'],
      regions: ['us-east-1'],
      engine: 'local',
      dedupe: true,
      top: 10,
      artifact: {
        name: 'cloudtrail-report',
        runUrl: 'https://github.com/octo/infra/actions/runs/1',
        upload: { url: ARTIFACT }
      }
    }
    const reports = await reportsOf({ permissions: { selection: [DEPLOY] } })
    const summary = renderSummary(run, reports, SUMMARY_LIMIT_BYTES)
    expect(summary).toContain(permissionsSection(reports.permissions, ARTIFACT, 10))
    expect(summary).toContain(`in the artifact\n\n### Regions`)
    expect(renderSummary(run, await reportsOf({}), SUMMARY_LIMIT_BYTES)).not.toContain(
      'Permissions used'
    )
  })
})
