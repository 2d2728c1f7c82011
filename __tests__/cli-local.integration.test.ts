import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localPlan, scanDir, totalEvents } from '../__fixtures__/local-scan.js'
import { CLI, NODE } from '../__fixtures__/runner.js'
import { generateSampleBucket } from '../scripts/generator/bucket.js'
import { folderDays } from '../src/inputs/window.js'

const ACCOUNT = '111122223333'
const DAY = '2026-11-01'

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-local-'))
  await generateSampleBucket(join(root, 'bucket'), {
    seed: 5,
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

describe('the bundled CLI with the local engine', () => {
  it('parses in worker threads from inside the bundle, and counts what the engine counts', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run 'npm run bundle' first`).toBe(true)
    const out = join(root, 'report')
    const cli = spawnSync(
      NODE,
      [
        CLI,
        '--engine',
        'local',
        '--logs-dir',
        join(root, 'bucket'),
        '--account',
        ACCOUNT,
        '--date',
        DAY,
        '--out',
        out
      ],
      { encoding: 'utf8' }
    )
    expect(cli.stderr).toContain(`Report written to ${out}`)
    expect(cli.status).toBe(0)

    const window = { start: DAY, end: DAY }
    const { rows } = await scanDir(
      localPlan(join(root, 'bucket'), {
        accounts: [ACCOUNT],
        regions: ['eu-west-1', 'us-east-1'],
        window,
        folderDays: folderDays(window, 'event-time')
      })
    )
    const csv = await readFile(join(out, 'events.csv'), 'utf8')
    const counted = csv
      .trim()
      .split('\n')
      .slice(1)
      .reduce((sum, line) => sum + Number(line.split(',').at(-1)?.replaceAll('"', '')), 0)
    expect(counted).toBe(totalEvents(rows))
  })

  it('writes the permissions files, and exits 1 on actions outside the allow-list, read from the working directory', async () => {
    await writeFile(
      join(root, 'allowed.json'),
      JSON.stringify({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*' }] })
    )
    const out = join(root, 'permissions')
    const cli = spawnSync(
      NODE,
      [
        CLI,
        ...['--engine', 'local', '--logs-dir', join(root, 'bucket'), '--account', ACCOUNT],
        ...['--date', DAY, '--out', out, '--permissions', '*:role/Admin'],
        ...['--fail-on-permissions', 'allowed.json']
      ],
      { encoding: 'utf8', cwd: root }
    )
    expect(cli.stderr).toContain(
      'error: fail-on-permissions: 1 principal used actions that allowed.json does not allow: arn:aws:iam::111122223333:role/Admin (iam:'
    )
    expect(cli.status).toBe(1)
    expect(await readdir(join(out, 'policies'))).toEqual(['111122223333-role-Admin.json'])
    expect(cli.stdout).toContain('#### arn:aws:iam::111122223333:role/Admin')
  })

  it('exits 2 on an allow-list that is not a policy document, naming the option and the file', () => {
    const cli = spawnSync(
      NODE,
      [
        CLI,
        ...['--engine', 'local', '--logs-dir', join(root, 'bucket'), '--account', ACCOUNT],
        ...['--permissions', 'all', '--fail-on-permissions', 'missing.json']
      ],
      { encoding: 'utf8', cwd: root }
    )
    expect(cli.stderr).toBe(
      `error: --fail-on-permissions names a file that does not exist: ${join(root, 'missing.json')}\n`
    )
    expect(cli.status).toBe(2)
  })
})
