/**
 * The built-in rules: the Sigma files of `rules/`, shipped as `src/rules/builtin.ts`. Each has an
 * event it must match and a near miss it must not, on both compilers (here for the CIS rules,
 * `rules-builtin-pack.test.ts` for the rest of the pack), and the local engine itself matches each
 * event as DuckDB does; the CIS rules keep the names the audit flags had (so `fail-on` values keep
 * working).
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AthenaOnDuckDB } from '../__fixtures__/duckdb-athena.js'
import { localPlan, rulesByEventId, writeLogFile } from '../__fixtures__/local-scan.js'
import {
  BUILTIN_CONTENTS_MODULE,
  BUILTIN_MODULE,
  builtinContentsModule,
  builtinModule,
  ruleFiles
} from '../scripts/builtin-rules.js'
import { BUILTIN_RULE_CONTENTS } from '../src/rules/builtin-contents.js'
import { BUILTIN_RULE_FILES } from '../src/rules/builtin.js'
import { readRuleFile } from '../src/rules/sigma.js'
import { makeRecord, type EventContext, type JsonObject } from '../scripts/generator/events.js'
import { Random } from '../scripts/generator/random.js'
import { rulesColumnSql } from '../src/engine/athena/rules-sql.js'
import { createRuleCompiler } from '../src/engine/local/predicates.js'
import { jsonRecordValues } from '../src/engine/local/record-values.js'
import { loadRules } from '../src/rules/load.js'
import type { Rule } from '../src/rules/rule.js'
import { PACK_CASES } from '../scripts/generator/rule-cases/index.js'

const ACCOUNT = '111122223333'
/** The rules that follow the CIS monitoring controls, under the names the audit flags had. */
const CIS = new Set([
  'root-activity',
  'cloudtrail-changes',
  'console-login-without-mfa',
  'iam-policy-changes',
  'kms-key-disabled-or-deleted',
  's3-bucket-policy-changes',
  'config-changes',
  'security-group-changes',
  'nacl-changes',
  'network-gateway-changes',
  'route-table-changes',
  'vpc-changes',
  'console-login-failures',
  'unauthorized-calls'
])
const context = (region = 'us-east-1'): EventContext => ({
  random: new Random(5),
  account: ACCOUNT,
  region,
  time: new Date('2026-11-01T12:00:00Z')
})

type Kind = 'user' | 'role' | 'root' | 'sso'
/** A generated call of `source`'s `name` by `kind`, succeeded, with `changes`. */
function call(
  source: string,
  name: string,
  kind: Kind = 'role',
  changes: JsonObject = {}
): JsonObject {
  const record = makeRecord(context(), { source, name, weight: 1, readOnly: false }, kind)
  delete record.errorCode
  delete record.errorMessage
  return { ...record, ...changes }
}
const login = (kind: Kind, response: string, mfa: string, changes: JsonObject = {}): JsonObject =>
  call('signin.amazonaws.com', 'ConsoleLogin', kind, {
    responseElements: { ConsoleLogin: response },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/', MFAUsed: mfa },
    ...changes
  })

/** For each built-in rule, by name: an event it must match, and a near miss. */
const CASES: Readonly<Record<string, { match: JsonObject; nearMiss: JsonObject }>> = {
  'root-activity': {
    match: call('iam.amazonaws.com', 'CreateAccessKey', 'root'),
    nearMiss: (() => {
      const record = call('iam.amazonaws.com', 'CreateAccessKey', 'root')
      return {
        ...record,
        userIdentity: { ...(record.userIdentity as JsonObject), invokedBy: 'support.amazonaws.com' }
      }
    })()
  },
  'cloudtrail-changes': {
    match: call('cloudtrail.amazonaws.com', 'StopLogging'),
    nearMiss: call('ec2.amazonaws.com', 'StopLogging')
  },
  'console-login-without-mfa': {
    match: login('user', 'Success', 'No'),
    nearMiss: login('user', 'Success', 'Yes')
  },
  'iam-policy-changes': {
    match: call('iam.amazonaws.com', 'AttachRolePolicy'),
    nearMiss: call('iam.amazonaws.com', 'ListPolicies')
  },
  'kms-key-disabled-or-deleted': {
    match: call('kms.amazonaws.com', 'ScheduleKeyDeletion'),
    nearMiss: call('kms.amazonaws.com', 'CancelKeyDeletion')
  },
  's3-bucket-policy-changes': {
    match: call('s3.amazonaws.com', 'PutBucketPolicy'),
    nearMiss: call('s3.amazonaws.com', 'GetBucketPolicy')
  },
  'config-changes': {
    match: call('config.amazonaws.com', 'StopConfigurationRecorder'),
    nearMiss: call('config.amazonaws.com', 'StartConfigurationRecorder')
  },
  'security-group-changes': {
    match: call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'),
    nearMiss: call('ec2.amazonaws.com', 'DescribeSecurityGroups')
  },
  'nacl-changes': {
    match: call('ec2.amazonaws.com', 'ReplaceNetworkAclEntry'),
    nearMiss: call('ec2.amazonaws.com', 'DescribeNetworkAcls')
  },
  'network-gateway-changes': {
    match: call('ec2.amazonaws.com', 'AttachInternetGateway'),
    nearMiss: call('ec2.amazonaws.com', 'AttachVolume')
  },
  'route-table-changes': {
    match: call('ec2.amazonaws.com', 'CreateRoute'),
    nearMiss: call('ec2.amazonaws.com', 'DescribeRouteTables')
  },
  'vpc-changes': {
    match: call('ec2.amazonaws.com', 'CreateVpcPeeringConnection'),
    nearMiss: call('ec2.amazonaws.com', 'DescribeVpcs')
  },
  'console-login-failures': {
    match: { ...login('user', 'Failure', 'No'), errorMessage: 'Failed authentication' },
    nearMiss: login('user', 'Success', 'Yes')
  },
  'unauthorized-calls': {
    match: call('ec2.amazonaws.com', 'RunInstances', 'role', {
      errorCode: 'Client.UnauthorizedOperation'
    }),
    nearMiss: call('ec2.amazonaws.com', 'RunInstances', 'role', {
      errorCode: 'Client.InvalidParameterValue'
    })
  }
}

/** Each record's matched rule keys, by the local engine's predicates. */
function localRules(rules: readonly Rule[], records: readonly JsonObject[]): string[] {
  const compiler = createRuleCompiler()
  const tests = rules.map((rule) => ({ key: rule.key, test: compiler.compile(rule.condition) }))
  return records.map((record) => {
    const values = jsonRecordValues(compiler.fields, record)
    return tests
      .filter(({ test }) => test(values))
      .map(({ key }) => key)
      .join(' ')
  })
}

let rules: readonly Rule[]
let root: string
let duckdb: AthenaOnDuckDB

beforeAll(async () => {
  rules = (await loadRules({ builtin: true, paths: '', workspace: '/nonexistent' })).rules
  root = await mkdtemp(join(tmpdir(), 'builtin-rules-'))
  duckdb = await AthenaOnDuckDB.open()
})

afterAll(async () => {
  duckdb?.close()
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

describe('the built-in rules', () => {
  it('are shipped: src/rules/builtin.ts holds the files of rules/ (npm run rules)', () => {
    expect(readFileSync(BUILTIN_MODULE, 'utf8')).toBe(builtinModule(ruleFiles()))
  })

  it('are shipped read: src/rules/builtin-contents.ts holds them as readRuleFile reads them', () => {
    expect(readFileSync(BUILTIN_CONTENTS_MODULE, 'utf8')).toBe(builtinContentsModule(ruleFiles()))
    // As JSON: equal but for properties that are undefined, which JSON leaves out.
    expect(BUILTIN_RULE_CONTENTS).toEqual(
      BUILTIN_RULE_FILES.map(({ file, text }) => readRuleFile(text, file, true))
    )
  })

  it('include the audit flags, by name', () => {
    expect(rules.map((rule) => rule.key).filter((key) => CIS.has(key))).toHaveLength(CIS.size)
  })

  it.each(ruleFiles())(
    '$file is an original rule of this project, with its metadata',
    ({ file, text }) => {
      const rule = rules.find((found) => found.file === file) as Rule
      expect(rule).toBeDefined()
      expect(rule.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      )
      expect(file).toBe(`rules/${rule.name}.yml`)
      expect(rule).toMatchObject({
        author: 'cloudtrail-athena-report',
        builtin: true,
        status: CIS.has(rule.key) ? 'test' : 'experimental'
      })
      expect(text).toContain('\nlicense: MIT\n')
      expect(text).toContain('\nlogsource:\n  product: aws\n  service: cloudtrail\n')
      if (CIS.has(rule.key))
        expect(rule.description).toMatch(/CIS AWS Foundations Benchmark 4\.\d+/)
      expect(rule.references.length).toBeGreaterThan(0)
      expect(rule.references.every((url) => url.startsWith('https://docs.aws.amazon.com/'))).toBe(
        true
      )
      expect(rule.falsepositives.length).toBeGreaterThan(0)
      expect(rule.tags.every((tag) => /^attack\.(t\d{4}(\.\d{3})?|[a-z-]+)$/.test(tag))).toBe(true)
    }
  )

  it('each have a case', () => {
    const cases = [...Object.keys(CASES), ...PACK_CASES.map(({ rule }) => rule)]
    expect(cases.sort()).toEqual(rules.map((rule) => rule.key).sort())
  })

  it.each(Object.entries(CASES))(
    '%s matches its event and not its near miss',
    async (name, { match, nearMiss }) => {
      const rule = rules.find((found) => found.key === name) as Rule
      expect(localRules([rule], [match, nearMiss])).toEqual([name, ''])
    }
  )

  it('match the same events on DuckDB and in the local engine, every rule on every case', async () => {
    const records = Object.values(CASES).flatMap(({ match, nearMiss }, i) => [
      { ...match, eventID: `match-${i}` },
      { ...nearMiss, eventID: `near-${i}` }
    ])
    await writeLogFile(
      root,
      { account: ACCOUNT, region: 'us-east-1', day: '2026-11-01' },
      `${ACCOUNT}_CloudTrail_us-east-1_20261101T1200Z_Builtin.json.gz`,
      JSON.stringify({ Records: records })
    )
    const table = { catalog: 'AwsDataCatalog', database: 'default', table: 'builtin_cases' }
    await duckdb.createTable(table, root, { bucket: '', prefix: '', organizationId: '' })
    const rows = await duckdb.rows(
      `SELECT eventid, ${rulesColumnSql(rules)} AS rules FROM "default"."builtin_cases"`
    )
    const athena = new Map(rows.map((row) => [row.eventid, row.rules]))
    const local = localRules(rules, records)
    expect(records.map((record) => athena.get(record.eventID))).toEqual(local)
    const engine = await rulesByEventId(
      localPlan(root, {
        accounts: [ACCOUNT],
        regions: ['us-east-1'],
        window: { start: '2026-11-01', end: '2026-11-01' },
        dayBoundary: 'delivery',
        rules,
        evidenceLimit: 10_000
      })
    )
    expect(records.map((record) => engine.get(record.eventID as string) ?? '')).toEqual(local)
    expect(local.filter((keys) => keys !== '').length).toBeGreaterThanOrEqual(
      Object.keys(CASES).length
    )
  })
})
