import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingLog } from '../__fixtures__/log.js'
import { testRule } from '../__fixtures__/rule.js'
import { InputError } from '../src/inputs/validation.js'
import { loadRunSuppressions } from '../src/plan/suppressions.js'

let workspace: string

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'plan-suppressions-'))
})

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true })
})

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(workspace, path)), { recursive: true })
  await writeFile(join(workspace, path), text)
}

const RULES = [testRule('root-activity'), testRule('unauthorized-calls')]
const DEFAULT = { path: '.github/cloudtrail-report.yml', explicit: false }
const FILE = `suppressions:
  root-activity:
    - account: '444455556666'
      reason: Sandbox account
      expires: 2026-11-30
  unauthorized-calls:
    - principal: '*:role/security-scanner'
      reason: The scanner probes what it may call
      expires: 2026-11-28
`

describe('the suppressions of a run', () => {
  it('are none without the default file', async () => {
    const log = recordingLog()
    const read = await loadRunSuppressions(
      { suppressions: DEFAULT, today: '2026-11-29' },
      workspace,
      RULES,
      log
    )
    expect(read).toBeUndefined()
    expect(log.warnings).toEqual([])
  })

  it('apply the entries that hold today, and warn of each expired one', async () => {
    await write('.github/cloudtrail-report.yml', FILE)
    const log = recordingLog()
    const read = await loadRunSuppressions(
      { suppressions: DEFAULT, today: '2026-11-29' },
      workspace,
      RULES,
      log
    )
    expect(read?.entries.map((entry) => entry.index)).toEqual([1, 2])
    expect(read?.active.map((entry) => entry.index)).toEqual([1])
    expect(read?.expired.map((entry) => entry.index)).toEqual([2])
    expect(log.warnings).toEqual([
      '.github/cloudtrail-report.yml:7: the suppression of unauthorized-calls expired on 2026-11-28: its findings count again; renew or remove it'
    ])
  })

  it('refuse a file that cannot be used, naming the input, the file, the line and the rule', async () => {
    await write(
      'expected.yml',
      'suppressions:\n  root-activty:\n    - account: x\n      reason: y\n'
    )
    await expect(
      loadRunSuppressions(
        { suppressions: { path: 'expected.yml', explicit: true }, today: '2026-11-29' },
        workspace,
        RULES,
        recordingLog()
      )
    ).rejects.toThrow(
      new InputError(
        'suppressions',
        'names a file that cannot be used: expected.yml:2: rule root-activty: no rule of this run has this name or id'
      )
    )
  })

  it('refuse a file the input names that does not exist', async () => {
    await expect(
      loadRunSuppressions(
        { suppressions: { path: 'expected.yml', explicit: true }, today: '2026-11-29' },
        workspace,
        RULES,
        recordingLog()
      )
    ).rejects.toThrow(
      "Input 'suppressions' names a file that cannot be used: expected.yml:1: the file does not exist"
    )
  })
})
