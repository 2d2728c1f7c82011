import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localPlan, scanDir, totalEvents } from '../__fixtures__/local-scan.js'
import { ACTION, runBundledAction } from '../__fixtures__/runner.js'
import { generateSampleBucket } from '../scripts/generator/bucket.js'
import { folderDays } from '../src/inputs/window.js'

const ACCOUNT = '111122223333'
const DAY = '2026-11-01'

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'action-local-'))
  await generateSampleBucket(join(root, 'bucket'), {
    seed: 7,
    accounts: [ACCOUNT],
    regions: ['us-east-1', 'eu-west-1'],
    days: [DAY],
    filesPerDay: 20,
    recordsPerFile: 20
  })
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('the bundled action with the local engine', () => {
  it('parses in worker threads from the bundled parser, and reports what the engine counts, once', async () => {
    expect(existsSync(ACTION), `${ACTION} is missing: run 'npm run bundle' first`).toBe(true)
    const workdir = join(root, 'work')
    await mkdir(workdir)
    const run = await runBundledAction(workdir, {
      engine: 'local',
      'logs-dir': join(root, 'bucket'),
      account: ACCOUNT,
      date: DAY
    })
    expect(run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)

    const window = { start: DAY, end: DAY }
    const { rows } = await scanDir(
      localPlan(join(root, 'bucket'), {
        accounts: [ACCOUNT],
        regions: ['eu-west-1', 'us-east-1'],
        window,
        folderDays: folderDays(window, 'event-time')
      })
    )
    expect(run.outputs['total-events']).toBe(String(totalEvents(rows)))
    const csv = await readFile(join(run.reportDir, 'events.csv'), 'utf8')
    const counted = csv
      .trim()
      .split('\n')
      .slice(1)
      .reduce((sum, line) => sum + Number(line.split(',').at(-1)?.replaceAll('"', '')), 0)
    expect(counted).toBe(totalEvents(rows))
    // The action ran once, in the main thread: each output set once, one summary.
    const outputs = await readFile(join(workdir, 'github-output'), 'utf8')
    expect(outputs.match(/^total-events<</gm)).toHaveLength(1)
    expect(run.summary.match(/^## CloudTrail report, /gm)).toHaveLength(1)
  })
})
