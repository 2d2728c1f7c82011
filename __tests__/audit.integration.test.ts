import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FakeGitHubApi } from '../__fixtures__/github-api.js'
import { CLI, NODE, runBundledAction } from '../__fixtures__/runner.js'
import { generateSampleBucket } from '../scripts/generator/bucket.js'

const ACCOUNT = '111122223333'
const DAY = '2026-11-01'
let root: string
let logsDir: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'audit-'))
  logsDir = join(root, 'bucket')
  await generateSampleBucket(logsDir, {
    seed: 11,
    accounts: [ACCOUNT],
    regions: ['us-east-1', 'eu-west-1'],
    days: [DAY],
    filesPerDay: 6,
    recordsPerFile: 10
  })
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const LOCAL = { engine: 'local', 'logs-dir': '', account: ACCOUNT, date: DAY }

/** A rule's findings in rules.csv, 0 when it found nothing. */
function findings(rulesCsv: string, rule: string): number {
  const line = rulesCsv.split('\n').find((text) => text.includes(`,"${rule}",`))
  return line === undefined ? 0 : Number(line.split('","')[5])
}

/** The events of an event name in events.csv, summed over its rows. */
function eventCount(eventsCsv: string, name: string): number {
  return eventsCsv
    .split('\n')
    .filter((line) => line.includes(`,"${name}",`))
    .reduce((sum, line) => sum + Number(line.split(',').at(-1)?.replaceAll('"', '')), 0)
}

describe('fail-on in the bundled action', () => {
  it('fails after writing every report, saying what matched, and sets flagged', async () => {
    const workdir = await mkdtemp(join(root, 'run-'))
    const run = await runBundledAction(workdir, {
      ...LOCAL,
      'logs-dir': logsDir,
      'fail-on': 'root-activity,StopLogging,vpc-changes'
    })
    const rules = await readFile(join(run.reportDir, 'rules.csv'), 'utf8')
    const events = await readFile(join(run.reportDir, 'events.csv'), 'utf8')
    const rootActivity = findings(rules, 'root-activity')
    const vpc = findings(rules, 'vpc-changes')
    const stopLogging = eventCount(events, 'StopLogging')
    expect(rootActivity).toBeGreaterThan(0)
    expect(vpc).toBeGreaterThan(0)
    expect(run.code).toBe(1)
    const flagged = Number(run.outputs.flagged)
    expect(flagged).toBeGreaterThanOrEqual(Math.max(rootActivity, vpc, stopLogging))
    expect(flagged).toBeLessThanOrEqual(rootActivity + vpc + stopLogging)
    expect(run.stdout).toContain(
      `::error::fail-on matched ${flagged} events: root-activity (${rootActivity}), StopLogging (${stopLogging}), vpc-changes (${vpc})`
    )
    expect(run.summary).toContain(`| fail-on | ${flagged} events matched |`)
    for (const file of [
      'events.csv',
      'errors.csv',
      'principals.csv',
      'findings.csv',
      'findings.json',
      'rules.csv',
      'summary.md'
    ]) {
      expect((await readFile(join(run.reportDir, file), 'utf8')).length, file).toBeGreaterThan(0)
    }
  })

  it('passes when nothing listed occurred, with flagged 0', async () => {
    const workdir = await mkdtemp(join(root, 'run-'))
    const run = await runBundledAction(workdir, {
      ...LOCAL,
      'logs-dir': logsDir,
      'fail-on': 'iam.amazonaws.com:DeleteAccountPasswordPolicy'
    })
    expect(run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)
    expect(run.outputs.flagged).toBe('0')
  })

  it('refuses a rule that is not loaded before reading anything', async () => {
    const workdir = await mkdtemp(join(root, 'run-'))
    const run = await runBundledAction(workdir, {
      ...LOCAL,
      'logs-dir': join(root, 'does-not-exist'),
      'fail-on': 'root-activty'
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `::error::Input 'fail-on' names no loaded rule (by name or id), level (critical, high, medium, low, informational) or event name; got "root-activty"`
    )
  })
})

describe('fail-on in the bundled CLI', () => {
  const cli = (failOn: string): ReturnType<typeof spawnSync> =>
    spawnSync(
      NODE,
      [
        CLI,
        '--engine',
        'local',
        '--logs-dir',
        logsDir,
        '--account',
        ACCOUNT,
        '--date',
        DAY,
        '--out',
        join(root, 'cli-report'),
        '--fail-on',
        failOn
      ],
      { encoding: 'utf8' }
    )

  it('exits 1 when a listed rule found something, 0 when none did, 2 on a bad item', () => {
    const failed = cli('root-activity')
    expect(failed.status).toBe(1)
    expect(failed.stderr).toMatch(/^error: fail-on matched \d+ events?: root-activity \(\d+\)$/m)
    expect(cli('DeleteAccountPasswordPolicy').status).toBe(0)
    const bad = cli('iam:CreateAccessKey')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('error: --fail-on must list rule names or ids')
    const unknown = cli('root-activty')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('error: --fail-on names no loaded rule')
  })
})

describe('the pull request comment from the bundled action', () => {
  let api: FakeGitHubApi
  let apiUrl: string

  beforeAll(async () => {
    api = new FakeGitHubApi('octo-org', 'audit')
    apiUrl = await api.start()
  })

  afterAll(() => api.stop())

  async function runOnPullRequest(
    inputs: Record<string, string> = {}
  ): Promise<Awaited<ReturnType<typeof runBundledAction>>> {
    const workdir = await mkdtemp(join(root, 'pr-'))
    const event = join(workdir, 'event.json')
    await writeFile(event, JSON.stringify({ pull_request: { number: 12 }, number: 12 }))
    return runBundledAction(
      workdir,
      {
        ...LOCAL,
        'logs-dir': logsDir,
        'comment-on-pr': 'true',
        'github-token': 'ghs_test',
        ...inputs
      },
      {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_API_URL: apiUrl,
        GITHUB_WORKFLOW: 'audit',
        GITHUB_JOB: 'cloudtrail'
      }
    )
  }

  beforeEach(() => {
    api.comments.length = 0
    api.requests.length = 0
  })

  it('posts the summary once, then updates the same comment', async () => {
    const first = await runOnPullRequest()
    expect(first.code, first.stdout).toBe(0)
    const second = await runOnPullRequest()
    expect(second.code, second.stdout).toBe(0)
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]?.body).toBe(
      `<!-- cloudtrail-athena-report: audit/cloudtrail -->\n${second.summary}`
    )
    expect(api.requests).toEqual([
      'GET /repos/octo-org/audit/issues/12/comments',
      'POST /repos/octo-org/audit/issues/12/comments',
      'GET /repos/octo-org/audit/issues/12/comments',
      'PATCH /repos/octo-org/audit/issues/comments/1000'
    ])
  })

  it('keeps one comment per matrix leg, told apart by job-key', async () => {
    for (const leg of ['cloudtrail-0', 'cloudtrail-1', 'cloudtrail-0']) {
      const run = await runOnPullRequest({ 'job-key': leg })
      expect(run.code, run.stdout).toBe(0)
    }
    expect(api.comments.map(({ body }) => body.split('\n')[0])).toEqual([
      '<!-- cloudtrail-athena-report: audit/cloudtrail-0 -->',
      '<!-- cloudtrail-athena-report: audit/cloudtrail-1 -->'
    ])
  })

  it('passes, with a warning, when GitHub answers the comment with 502 every time', async () => {
    api.failNext.push(502, 502, 502, 502)
    const run = await runOnPullRequest()
    expect(run.code, run.stdout).toBe(0)
    expect(api.comments).toEqual([])
    expect(run.stdout).toContain(
      '::warning::Could not comment on pull request #12: failed with HTTP 502 (Server Error). The report is complete without it: see the job summary'
    )
  })
})
