import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

const uploadArtifact = vi.fn()
vi.mock('@actions/artifact', () => ({
  DefaultArtifactClient: vi.fn(function () {
    return { uploadArtifact }
  })
}))

const outputs: Record<string, unknown> = {}
const summaries: string[] = []
const failures: string[] = []
vi.mock('@actions/core', () => {
  const summary = {
    addRaw: (text: string) => {
      summaries.push(text)
      return summary
    },
    write: async () => summary
  }
  return {
    summary,
    setOutput: (name: string, value: unknown) => (outputs[name] = value),
    setFailed: (message: string) => failures.push(message),
    setSecret: vi.fn(),
    info: vi.fn(),
    warning: vi.fn(),
    debug: vi.fn(),
    group: (_name: string, work: () => Promise<unknown>) => work()
  }
})

const core = await import('@actions/core')
const { run } = await import('../src/main.js')
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
  uploadArtifact.mockReset().mockResolvedValue({ id: 77, size: 1000, digest: 'sha256:x' })
  summaries.length = 0
  failures.length = 0
  for (const name of Object.keys(outputs)) delete outputs[name]
})

function environment(given: Record<string, string>, runUrl: string | undefined) {
  const inputs: Record<string, string> = {
    ...DEFAULTS,
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
    pullRequest: undefined,
    aws: () => {
      throw new Error('no AWS call expected')
    },
    signal: new AbortController().signal
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
      ['errors.csv', 'events.csv', 'flags.csv', 'principals.csv', 'summary.md'].map((file) =>
        join(reportDir, file)
      ),
      reportDir,
      { retentionDays: 5 }
    )
    expect(outputs['artifact-id']).toBe(77)
    expect(outputs['artifact-url']).toBe(`${RUN_URL}/artifacts/77`)
    expect(outputs['csv-path']).toBe(join(reportDir, 'events.csv'))
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
      'flags.csv',
      'permissions-unmapped.csv',
      'permissions.csv',
      'policies/111122223333-role-ci-deploy.json',
      'principals.csv',
      'summary.md'
    ])
    expect(failures).toEqual([
      'fail-on-permissions: 1 principal used actions that infra/allowed.json does not allow: arn:aws:iam::111122223333:role/ci-deploy (config:StopConfigurationRecorder, s3:ListAllMyBuckets)'
    ])
    expect(core.warning).toHaveBeenCalledWith(
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
})
