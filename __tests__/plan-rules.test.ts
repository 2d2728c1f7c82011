import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingLog } from '../__fixtures__/log.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'
import { InputError } from '../src/inputs/validation.js'
import { loadRunRules } from '../src/plan/rules.js'

let workspace: string

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'plan-rules-'))
})

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true })
})

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(workspace, path)), { recursive: true })
  await writeFile(join(workspace, path), text)
}

const RULE = `title: Trail stopped
id: 5f1e0c3a-0000-4000-8000-000000000001
name: trail-stopped
level: high
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: StopLogging
  condition: selection
`
const AGGREGATION = `title: Many denied
id: 5f1e0c3a-0000-4000-8000-000000000002
level: low
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    errorCode: AccessDenied
  condition: selection | count() > 10
`
const OKTA = `title: Okta
id: okta-1
level: low
logsource: {product: okta, service: okta}
detection:
  selection:
    eventType: x
  condition: selection
`

describe('the rules of a run', () => {
  it('are the built-in rules and the files given, by key', async () => {
    await write('sigma/trail.yml', RULE)
    const log = recordingLog()
    const { rules, notRun } = await loadRunRules(
      { rules: 'sigma', builtinRules: true },
      workspace,
      log
    )
    expect(rules.map((rule) => rule.key)).toEqual(
      [...BUILTIN_RULES.map((rule) => rule.key), 'trail-stopped'].sort()
    )
    expect(notRun).toEqual([])
    expect(log.warnings).toEqual([])
  })

  it('warn of each rule that is not run, naming its file, id and why, and list it', async () => {
    await write('sigma/trail.yml', RULE)
    await write('sigma/denied.yml', AGGREGATION)
    await write('sigma/okta.yml', OKTA)
    const log = recordingLog()
    const { rules, notRun } = await loadRunRules(
      { rules: 'sigma', builtinRules: false },
      workspace,
      log
    )
    expect(rules.map((rule) => rule.key)).toEqual(['trail-stopped'])
    expect(notRun).toEqual([
      {
        file: 'sigma/denied.yml',
        id: '5f1e0c3a-0000-4000-8000-000000000002',
        title: 'Many denied',
        reason: expect.stringMatching(/aggregation/)
      },
      {
        file: 'sigma/okta.yml',
        id: 'okta-1',
        title: 'Okta',
        reason: 'its logsource okta/okta is not AWS CloudTrail (aws/cloudtrail)'
      }
    ])
    expect(log.warnings).toEqual(
      notRun.map((rule) => `Rule ${rule.id} in ${rule.file} is not run: ${rule.reason}`)
    )
  })

  it('refuse a file that is not a Sigma rule, naming the input, the file and the line', async () => {
    await write('sigma/broken.yml', 'title: Broken\ndetection: [\n')
    const failure = loadRunRules(
      { rules: 'sigma/broken.yml', builtinRules: true },
      workspace,
      recordingLog()
    )
    await expect(failure).rejects.toBeInstanceOf(InputError)
    await expect(failure).rejects.toThrow(
      /^Input 'rules' has a file that is not a Sigma rule: sigma\/broken\.yml:\d+: not valid YAML: /
    )
  })

  it('refuse an entry that names nothing, naming the input', async () => {
    await expect(
      loadRunRules({ rules: 'missing.yml', builtinRules: true }, workspace, recordingLog())
    ).rejects.toThrow(
      new InputError(
        'rules',
        `"missing.yml" is not a file or a directory (${join(workspace, 'missing.yml')})`
      )
    )
  })

  it('refuse a rule of the same name as a built-in one', async () => {
    await write('mine.yml', RULE.replace('name: trail-stopped', 'name: cloudtrail-changes'))
    await expect(
      loadRunRules({ rules: 'mine.yml', builtinRules: true }, workspace, recordingLog())
    ).rejects.toThrow(
      new InputError(
        'rules',
        'loads two rules called "cloudtrail-changes": in rules/cloudtrail-changes.yml and in mine.yml'
      )
    )
  })

  it('refuse a rule called logging-gap, the name of the logging gaps', async () => {
    await write('mine.yml', RULE.replace('name: trail-stopped', 'name: logging-gap'))
    await expect(
      loadRunRules({ rules: 'mine.yml', builtinRules: false }, workspace, recordingLog())
    ).rejects.toThrow(
      new InputError(
        'rules',
        "has a rule called logging-gap (mine.yml), the name of the logging gaps' findings: rename it"
      )
    )
  })
})
