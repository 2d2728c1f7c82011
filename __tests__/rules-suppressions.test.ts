import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ACCOUNT,
  assumedRole,
  awsService,
  by,
  call,
  iamUser,
  rootUser,
  ssoUser,
  through,
  type JsonObject
} from '../scripts/generator/records.js'
import { testRule } from '../__fixtures__/rule.js'
import { createRuleCompiler } from '../src/engine/local/predicates.js'
import { jsonRecordValues } from '../src/engine/local/record-values.js'
import {
  isExpired,
  parseSuppressions,
  readSuppressions,
  scanRules,
  SuppressionsFileError,
  type SuppressionEntry
} from '../src/rules/suppressions.js'

const RULES = [
  testRule('unauthorized-calls', { id: '56241b96-f433-4c61-9843-0c35d2bd2df2' }),
  testRule('root-activity')
]
const FILE = '.github/cloudtrail-report.yml'

const parse = (text: string): readonly SuppressionEntry[] =>
  parseSuppressions(text, FILE, RULES).entries

function errorOf(text: string): string {
  try {
    parse(text)
  } catch (error) {
    expect(error).toBeInstanceOf(SuppressionsFileError)
    return (error as Error).message
  }
  throw new Error('parsed')
}

/** Whether the entry (its only one) matches each record, on the local engine's predicates. */
function matches(entryText: string, records: readonly JsonObject[]): boolean[] {
  const [entry] = parse(`suppressions:\n  root-activity:\n${entryText}`)
  const compiler = createRuleCompiler()
  const predicate = compiler.compile((entry as SuppressionEntry).condition)
  return records.map((record) => predicate(jsonRecordValues(compiler.fields, record)))
}

describe('the suppressions file', () => {
  it('reads entries per rule, by name or id, numbered in file order', () => {
    const entries = parse(`# expected findings
suppressions:
  56241b96-f433-4c61-9843-0c35d2bd2df2:
    - principal: arn:aws:iam::${ACCOUNT}:role/security-scanner
      reason: The scanner probes what it may call
      expires: 2027-03-31
  root-activity:
    - account: ${ACCOUNT}
      source-ip: [10.0.0.0/8, 192.168.1.*]
      reason: '  Break-glass drills  '
`)
    expect(
      entries.map(({ index, rule, line, match, reason, expires }) => ({
        index,
        rule,
        line,
        match,
        reason,
        expires
      }))
    ).toEqual([
      {
        index: 1,
        rule: 'unauthorized-calls',
        line: 4,
        match: { principal: [`arn:aws:iam::${ACCOUNT}:role/security-scanner`] },
        reason: 'The scanner probes what it may call',
        expires: '2027-03-31'
      },
      {
        index: 2,
        rule: 'root-activity',
        line: 8,
        match: { account: [ACCOUNT], 'source-ip': ['10.0.0.0/8', '192.168.1.*'] },
        reason: 'Break-glass drills',
        expires: undefined
      }
    ])
  })

  it('is empty when the file or its suppressions are', () => {
    expect(parse('')).toEqual([])
    expect(parse('# nothing yet\n')).toEqual([])
    expect(parse('suppressions:\n')).toEqual([])
  })

  it('fails with the file, the line and the rule', () => {
    expect(errorOf('suppressions:\n  root-activity:\n    - principal: x\n')).toBe(
      `${FILE}:3: rule root-activity: the entry has no reason`
    )
    expect(errorOf('suppressions:\n  root-actvity:\n    - principal: x\n      reason: y\n')).toBe(
      `${FILE}:2: rule root-actvity: no rule of this run has this name or id`
    )
    expect(errorOf('suppressions:\n  root-activity:\n    - reason: y\n      princpal: x\n')).toBe(
      `${FILE}:4: rule root-activity: unknown field "princpal"; an entry has principal, actor, account, source-ip, user-agent, reason, expires`
    )
    expect(errorOf('suppressions:\n  root-activity:\n    - reason: drills\n')).toBe(
      `${FILE}:3: rule root-activity: the entry matches nothing: give at least one of principal, actor, account, source-ip, user-agent (use '*' for any)`
    )
    expect(
      errorOf(
        'suppressions:\n  root-activity:\n    - account: x\n      reason: y\n      expires: 2027-02-30\n'
      )
    ).toBe(`${FILE}:5: rule root-activity: expires must be a date YYYY-MM-DD; got "2027-02-30"`)
    expect(errorOf('suppressions:\n  root-activity:\n    - actor: []\n      reason: y\n')).toBe(
      `${FILE}:3: rule root-activity: actor must be a string or a list of strings`
    )
    expect(errorOf('suppressions:\n  root-activity:\n    principal: x\n')).toBe(
      `${FILE}:3: rule root-activity: must be a list of entries`
    )
    expect(errorOf('suppressions:\n  root-activity:\n    - just a string\n')).toBe(
      `${FILE}:3: rule root-activity: an entry must be a map`
    )
    expect(errorOf('suppresions:\n  root-activity: []\n')).toBe(
      `${FILE}:1: unknown key "suppresions"; the file has one key, suppressions`
    )
    expect(errorOf('suppressions: [a]\n')).toBe(
      `${FILE}:1: suppressions must map rule names or ids to lists of entries`
    )
    expect(errorOf('suppressions:\n  root-activity:\n    - account: [x\n')).toMatch(
      new RegExp(`^${FILE.replaceAll('.', '\\.')}:4: not valid YAML: `)
    )
  })

  it('expires after its last day', () => {
    expect(isExpired({ expires: '2026-11-29' }, '2026-11-29')).toBe(false)
    expect(isExpired({ expires: '2026-11-29' }, '2026-11-30')).toBe(true)
    expect(isExpired({ expires: undefined }, '2099-01-01')).toBe(false)
  })
})

describe('reading the file', () => {
  let workspace: string
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'suppressions-'))
  })
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true })
  })

  it('has no suppressions when the default file is absent', async () => {
    expect(await readSuppressions({ path: FILE, explicit: false }, workspace, RULES)).toBe(
      undefined
    )
  })

  it('fails when a file the input names is absent', async () => {
    await expect(
      readSuppressions({ path: 'expected.yml', explicit: true }, workspace, RULES)
    ).rejects.toThrow('expected.yml:1: the file does not exist')
  })

  it('reads a file relative to the workspace', async () => {
    await writeFile(
      join(workspace, 'expected.yml'),
      'suppressions:\n  root-activity:\n    - account: "*"\n      reason: sandbox\n'
    )
    const read = await readSuppressions({ path: 'expected.yml', explicit: true }, workspace, RULES)
    expect(read?.entries.map((entry) => entry.match)).toEqual([{ account: ['*'] }])
  })
})

describe('what an entry matches', () => {
  const listUsers = call('iam', 'ListUsers')

  it('principal: the role of a session, an ARN, or a user without an ARN by name', () => {
    const session = by(listUsers, assumedRole('security-scanner', 'scan-42'))
    const user = by(listUsers, iamUser('alice'))
    const nameOnly = by(listUsers, { type: 'IAMUser', accountId: ACCOUNT, userName: 'bert' })
    expect(
      matches(`    - principal: arn:aws:IAM::${ACCOUNT}:role/SECURITY-*\n      reason: r\n`, [
        session,
        user
      ])
    ).toEqual([true, false])
    expect(matches(`    - principal: '*:user/alice'\n      reason: r\n`, [session, user])).toEqual([
      false,
      true
    ])
    expect(matches(`    - principal: bert\n      reason: r\n`, [nameOnly, user])).toEqual([
      true,
      false
    ])
    expect(
      matches(`    - principal: arn:aws:iam::${ACCOUNT}:root\n      reason: r\n`, [
        by(listUsers, rootUser()),
        user
      ])
    ).toEqual([true, false])
    expect(
      matches(`    - principal: delivery.logs.amazonaws.com\n      reason: r\n`, [
        by(listUsers, awsService('delivery.logs.amazonaws.com')),
        by(listUsers, through('delivery.logs.amazonaws.com'))
      ])
    ).toEqual([true, false])
  })

  it('actor: the session name, within the last segment of the ARN', () => {
    const person = by(listUsers, ssoUser('alice@example.com'))
    const tricky = by(listUsers, assumedRole('alice-role', 'bob'))
    expect(matches(`    - actor: 'ALICE*'\n      reason: r\n`, [person, tricky])).toEqual([
      true,
      false
    ])
    expect(matches(`    - actor: '*@example.com'\n      reason: r\n`, [person, tricky])).toEqual([
      true,
      false
    ])
    expect(matches(`    - actor: bob\n      reason: r\n`, [person, tricky])).toEqual([false, true])
  })

  it('actor: the source identity before the session name, then the user name', () => {
    const withSource = by(listUsers, assumedRole('deploy', 'gha-123', { sourceIdentity: 'carol' }))
    expect(
      matches(`    - actor: carol\n      reason: r\n`, [
        withSource,
        by(listUsers, iamUser('carol'))
      ])
    ).toEqual([true, true])
    expect(matches(`    - actor: gha-*\n      reason: r\n`, [withSource])).toEqual([false])
  })

  it('source-ip: a pattern or an IPv4 network; user-agent and account: patterns', () => {
    const from = (ip: string): JsonObject => ({ ...listUsers, sourceIPAddress: ip })
    expect(
      matches(`    - source-ip: [10.0.0.0/8, 192.168.1.*]\n      reason: r\n`, [
        from('10.20.30.40'),
        from('192.168.1.9'),
        from('11.0.0.1'),
        from('192.168.10.1')
      ])
    ).toEqual([true, true, false, false])
    expect(
      matches(`    - user-agent: '*terraform*'\n      account: '1111*'\n      reason: r\n`, [
        { ...listUsers, userAgent: 'Terraform/1.9.5' },
        { ...listUsers, userAgent: 'Terraform/1.9.5', recipientAccountId: '444455556666' },
        listUsers
      ])
    ).toEqual([true, false, false])
  })
})

describe('the rules the engines run', () => {
  const denied = (identity: JsonObject): JsonObject => ({
    ...by(call('iam', 'unauthorized-calls'), identity),
    errorCode: 'AccessDenied'
  })

  it('are each rule where no entry matches, and key~N where entry N is the first that matches', () => {
    const { entries } = parseSuppressions(
      [
        'suppressions:',
        '  unauthorized-calls:',
        "    - actor: 'alice*'",
        '      reason: r',
        "    - principal: '*:role/app-*'",
        '      reason: r',
        '  root-activity:',
        "    - account: '1111*'",
        '      reason: r',
        '      expires: 2026-01-01'
      ].join('\n'),
      FILE,
      RULES
    )
    const active = entries.filter((entry) => !isExpired(entry, '2026-11-02'))
    const scanned = scanRules(RULES, active)
    expect(scanned.map((rule) => rule.key)).toEqual([
      'root-activity',
      'unauthorized-calls',
      'unauthorized-calls~1',
      'unauthorized-calls~2'
    ])
    expect(scanned[0]).toBe(RULES[1])
    const compiler = createRuleCompiler()
    const tests = scanned.map((rule) => ({ key: rule.key, test: compiler.compile(rule.condition) }))
    const keys = (record: JsonObject): string[] =>
      tests
        .filter(({ test }) => test(jsonRecordValues(compiler.fields, record)))
        .map(({ key }) => key)
    expect(keys(denied(iamUser('alice')))).toEqual(['unauthorized-calls~1'])
    expect(keys(denied(assumedRole('app-orders', 'alice-laptop')))).toEqual([
      'unauthorized-calls~1'
    ])
    expect(keys(denied(assumedRole('app-orders', 'worker')))).toEqual(['unauthorized-calls~2'])
    expect(keys(denied(iamUser('bob')))).toEqual(['unauthorized-calls'])
  })
})
