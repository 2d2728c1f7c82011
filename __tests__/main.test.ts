import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeGitHubApi } from '../__fixtures__/github-api.js'

const uploadArtifact = vi.fn()
vi.mock('@actions/artifact', () => ({
  DefaultArtifactClient: vi.fn(function () {
    return { uploadArtifact }
  })
}))

const outputs: Record<string, unknown> = {}
/** The step summary file as the runner will read it: each write appends, or replaces. */
const summaries: string[] = []
const failures: string[] = []
const warnings: string[] = []
/** What was done, in order. */
const steps: string[] = []
vi.mock('@actions/core', () => {
  let buffer = ''
  const summary = {
    emptyBuffer: () => {
      buffer = ''
      return summary
    },
    addRaw: (text: string) => {
      buffer += text
      return summary
    },
    write: async (options?: { overwrite?: boolean }) => {
      if (options?.overwrite) summaries.length = 0
      summaries.push(buffer)
      steps.push(options?.overwrite ? 'summary rewritten' : 'summary')
      buffer = ''
      return summary
    }
  }
  return {
    summary,
    setOutput: (name: string, value: unknown) => (outputs[name] = value),
    setFailed: (message: string) => {
      failures.push(message)
      steps.push('failed')
    },
    setSecret: vi.fn(),
    info: vi.fn(),
    warning: (message: string) => warnings.push(message),
    debug: vi.fn(),
    group: (_name: string, work: () => Promise<unknown>) => work()
  }
})

const { run } = await import('../src/main.js')
type ActionEnvironment = import('../src/main.js').ActionEnvironment
type PullRequestEvent = import('../src/main.js').PullRequestEvent
const { DEFAULTS } = await import('../src/inputs/inputs.js')
const { generateSampleBucket } = await import('../scripts/generator/bucket.js')

const RUN_URL = 'https://github.com/octo-org/audit/actions/runs/4242'
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'main-'))
  await generateSampleBucket(join(root, 'bucket'), {
    seed: 3,
    accounts: ['111122223333'],
    regions: ['us-east-1'],
    days: ['2026-11-01'],
    filesPerDay: 4,
    recordsPerFile: 5
  })
  await mkdir(join(root, 'infra'))
  await writeFile(
    join(root, 'infra', 'allowed.json'),
    JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'kms:*', 's3:GetObjects'] }]
    })
  )
  await writeFile(join(root, 'infra', 'broken.json'), '{"Statement": [{"Effect": "Allow"}]}')
})

afterAll(() => rm(root, { recursive: true, force: true }))

beforeEach(() => {
  uploadArtifact.mockReset().mockImplementation(async () => {
    steps.push('upload')
    return { id: 77, size: 1000, digest: 'sha256:x' }
  })
  summaries.length = 0
  failures.length = 0
  warnings.length = 0
  steps.length = 0
  for (const name of Object.keys(outputs)) delete outputs[name]
})

function environment(
  given: Record<string, string>,
  runUrl: string | undefined,
  pullRequest?: PullRequestEvent
): ActionEnvironment {
  // As the runner gives them: every input, with action.yml's default (job-key's evaluated).
  const inputs: Record<string, string> = {
    ...DEFAULTS,
    'job-key': 'audit',
    engine: 'local',
    'logs-dir': join(root, 'bucket'),
    account: '111122223333',
    date: '2026-11-01',
    ...given
  }
  return {
    read: (input: string) => inputs[input] ?? '',
    now: new Date('2026-11-23T00:00:00Z'),
    runnerTemp: join(root, 'runner-temp'),
    workspace: root,
    runUrl,
    pullRequest,
    aws: () => {
      throw new Error('no AWS call expected')
    },
    signal: new AbortController().signal,
    sleep: async () => {}
  }
}

describe('the action', () => {
  it('uploads the report directory as the artifact, and links it from the job summary', async () => {
    await run(
      environment({ 'artifact-name': 'audit-{account}-{date}', 'retention-days': '5' }, RUN_URL)
    )

    const reportDir = join(root, 'runner-temp', 'cloudtrail-report')
    expect(failures).toEqual([])
    expect(uploadArtifact).toHaveBeenCalledWith(
      'audit-111122223333-2026-11-01',
      [
        'errors.csv',
        'events.csv',
        'findings.csv',
        'findings.json',
        'principals.csv',
        'rules.csv',
        'summary.md',
        'suppressed.csv'
      ].map((file) => join(reportDir, file)),
      reportDir,
      { retentionDays: 5 }
    )
    expect(outputs['artifact-id']).toBe(77)
    expect(outputs['artifact-url']).toBe(`${RUN_URL}/artifacts/77`)
    expect(outputs['csv-path']).toBe(join(reportDir, 'events.csv'))
    expect(steps).toEqual(['summary', 'upload', 'summary rewritten'])
    expect(summaries).toHaveLength(1)
    expect(summaries[0]).toContain(`| Report files | [artifact](${RUN_URL}/artifacts/77) |`)
    // The artifact's own copy of the summary cannot link to itself.
    expect(await readFile(join(reportDir, 'summary.md'), 'utf8')).not.toContain('[artifact]')
  })

  it('skips the upload when the artifact name is empty, or outside GitHub Actions', async () => {
    await run(environment({ 'artifact-name': '' }, RUN_URL))
    await run(environment({}, undefined))
    expect(uploadArtifact).not.toHaveBeenCalled()
    expect(outputs['artifact-id']).toBeUndefined()
    expect(failures).toEqual([])
  })

  it('fails the step once, with the input named, before reading anything', async () => {
    await run(environment({ 'day-boundary': 'midnight' }, RUN_URL))
    expect(failures).toEqual([
      `Input 'day-boundary' must be one of 'event-time', 'delivery'; got "midnight"`
    ])
    expect(summaries).toEqual([])
  })

  it('writes the permissions files, uploads the policies, and fails on actions the allow-list does not allow', async () => {
    await run(
      environment(
        {
          permissions: '*:role/ci-deploy',
          'fail-on-permissions': 'infra/allowed.json'
        },
        RUN_URL
      )
    )
    const reportDir = join(root, 'runner-temp', 'cloudtrail-report')
    const uploaded = (uploadArtifact.mock.calls[0]?.[1] as string[]).map((path) =>
      path.slice(reportDir.length + 1)
    )
    expect(uploaded).toEqual([
      'errors.csv',
      'events.csv',
      'findings.csv',
      'findings.json',
      'permissions-unmapped.csv',
      'permissions.csv',
      'policies/111122223333-role-ci-deploy.json',
      'principals.csv',
      'rules.csv',
      'summary.md',
      'suppressed.csv'
    ])
    expect(failures).toEqual([
      'fail-on-permissions: 1 principal used actions that infra/allowed.json does not allow: arn:aws:iam::111122223333:role/ci-deploy (config:StopConfigurationRecorder, s3:ListAllMyBuckets, sts:GetCallerIdentity)'
    ])
    expect(warnings).toContain(
      "'fail-on-permissions' (infra/allowed.json): s3:GetObjects matches no known IAM action; a typo?"
    )
    // fail-on counts events; permission violations are actions, with their own message.
    expect(outputs.flagged).toBe(0)
    expect(summaries[0]).toContain(
      `- Policy: [\`policies/111122223333-role-ci-deploy.json\`](${RUN_URL}/artifacts/77) in the artifact`
    )
  })

  it('fails the step, naming the input and the file, before reading any log', async () => {
    await run(
      environment({ permissions: 'all', 'fail-on-permissions': 'infra/broken.json' }, RUN_URL)
    )
    expect(failures).toEqual([
      `Input 'fail-on-permissions' must be an IAM policy document: infra/broken.json: Statement[0] must have exactly one of "Action" and "NotAction"`
    ])
    expect(summaries).toEqual([])
  })

  it('runs the rules of the workspace besides the built-in ones, and lists those it cannot run', async () => {
    await mkdir(join(root, 'detections'), { recursive: true })
    await writeFile(
      join(root, 'detections', 'describe.yml'),
      'title: Instances listed\nid: 5f1e0c3a-0000-4000-8000-000000000001\nname: instances-listed\nlevel: informational\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s:\n    eventName: DescribeInstances\n  condition: s\n'
    )
    await writeFile(
      join(root, 'detections', 'burst.yml'),
      'title: Burst\nid: 5f1e0c3a-0000-4000-8000-000000000002\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s:\n    eventName: x\n  condition: s | count() > 5\n'
    )
    await run(environment({ rules: 'detections', 'fail-on': 'instances-listed' }, undefined))
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^Rule 5f1e0c3a-0000-4000-8000-000000000002 in detections\/burst\.yml is not run: /
      )
    )
    expect(summaries[0]).toContain('### Rules not run\n\n| File | Rule | Why |\n')
    expect(summaries[0]).toContain(
      '| detections/burst.yml | Burst (5f1e0c3a-0000-4000-8000-000000000002) |'
    )
    // The workspace's rule runs in the local engine like a built-in one, and fails the step.
    expect(failures).toEqual(['fail-on matched 4 events: instances-listed (4)'])
  })

  it('fails before reading anything when fail-on names a rule that is not loaded', async () => {
    await run(environment({ 'builtin-rules': 'false', 'fail-on': 'root-activity' }, RUN_URL))
    expect(failures).toEqual([
      `Input 'fail-on' names no loaded rule (by name or id), level (critical, high, medium, low, informational) or event name; got "root-activity"`
    ])
    expect(summaries).toEqual([])
  })

  it('names the default artifact after the window and the job key, one per matrix leg', async () => {
    await run(environment({ 'job-key': 'audit-1' }, RUN_URL))
    await run(environment({ 'job-key': 'audit-2' }, RUN_URL))
    expect(uploadArtifact.mock.calls.map(([name]) => name)).toEqual([
      'cloudtrail-report-2026-11-01-audit-1',
      'cloudtrail-report-2026-11-01-audit-2'
    ])
  })

  describe('on a pull request', () => {
    let api: FakeGitHubApi
    let pullRequest: PullRequestEvent

    beforeEach(async () => {
      api = new FakeGitHubApi('octo-org', 'audit')
      const apiUrl = await api.start()
      pullRequest = { apiUrl, owner: 'octo-org', repo: 'audit', number: 12, workflow: 'CloudTrail' }
    })

    afterEach(() => api.stop())

    it('keeps the summary, the comment and the fail-on verdict when the upload fails, and fails once with both problems', async () => {
      uploadArtifact.mockImplementation(async () => {
        steps.push('upload')
        throw new Error(
          'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run'
        )
      })
      await run(
        environment(
          { 'fail-on': 'root-activity', 'comment-on-pr': 'true', 'github-token': 'ghs_x' },
          RUN_URL,
          pullRequest
        )
      )

      const rules = await readFile(
        join(root, 'runner-temp', 'cloudtrail-report', 'rules.csv'),
        'utf8'
      )
      const rootActivity = Number(
        rules
          .split('\n')
          .find((line) => line.includes(',"root-activity",'))
          ?.split('","')[5]
      )
      expect(rootActivity).toBeGreaterThan(0)
      expect(steps).toEqual(['summary', 'upload', 'summary rewritten', 'failed'])
      expect(api.comments).toHaveLength(1)
      expect(api.comments[0]?.body).toContain(
        `| Report files | artifact cloudtrail-report-2026-11-01-audit of [this run](${RUN_URL}) |`
      )
      expect(summaries).toHaveLength(1)
      expect(summaries[0]).toContain(
        "| Report files | artifact cloudtrail-report-2026-11-01-audit not uploaded: see the step's error |"
      )
      expect(failures).toEqual([
        `fail-on matched ${rootActivity} event${rootActivity === 1 ? '' : 's'}: root-activity (${rootActivity})\n` +
          "Could not upload the artifact 'cloudtrail-report-2026-11-01-audit': Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run. " +
          "Another job or matrix leg of this workflow run has already uploaded an artifact of that name: keep {job} in 'artifact-name' (the default has it) so that each job and leg has its own, and where two jobs share an id (a reusable workflow called twice), give each its own 'job-key'"
      ])
      expect(outputs['artifact-id']).toBeUndefined()
    })

    it("keeps one comment per job key, so matrix legs do not overwrite each other's", async () => {
      const leg = (key: string) =>
        environment(
          { 'comment-on-pr': 'true', 'github-token': 'ghs_x', 'job-key': key, 'artifact-name': '' },
          RUN_URL,
          pullRequest
        )
      await run(leg('audit-0'))
      await run(leg('audit-1'))
      await run(leg('audit-0'))
      expect(api.comments.map(({ body }) => body.split('\n')[0])).toEqual([
        '<!-- cloudtrail-athena-report: CloudTrail/audit-0 -->',
        '<!-- cloudtrail-athena-report: CloudTrail/audit-1 -->'
      ])
      expect(api.requests.filter((request) => !request.startsWith('GET'))).toEqual([
        'POST /repos/octo-org/audit/issues/12/comments',
        'POST /repos/octo-org/audit/issues/12/comments',
        'PATCH /repos/octo-org/audit/issues/comments/1000'
      ])
      expect(failures).toEqual([])
    })

    it('warns and passes when GitHub keeps failing the comment', async () => {
      api.failNext.push(502, 502, 502, 502)
      await run(
        environment({ 'comment-on-pr': 'true', 'github-token': 'ghs_x' }, RUN_URL, pullRequest)
      )
      expect(failures).toEqual([])
      expect(api.comments).toEqual([])
      expect(warnings.at(-1)).toBe(
        'Could not comment on pull request #12: failed with HTTP 502 (Server Error). The report is complete without it: see the job summary'
      )
      expect(steps).toEqual(['summary', 'upload', 'summary rewritten'])
    })
  })
})
