/**
 * The built-in rule pack: every rule matches the events it is written for and none of its near
 * misses (the same call denied, made by an AWS service on its own or a caller's behalf, or with a
 * harmless parameter), each record read as the local engine's reference accessor reads it; and the
 * pack's SQL, run by DuckDB over the same records written as a log file, matches the same events,
 * as does the local engine reading that file.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT, type JsonObject } from '../scripts/generator/records.js'
import { AthenaOnDuckDB } from '../__fixtures__/duckdb-athena.js'
import { localPlan, rulesByEventId, writeLogFile } from '../__fixtures__/local-scan.js'
import { rulesColumnSql } from '../src/engine/athena/rules-sql.js'
import { createRuleCompiler } from '../src/engine/local/predicates.js'
import { jsonRecordValues } from '../src/engine/local/record-values.js'
import { BUILTIN_RULE_FILES } from '../src/rules/builtin.js'
import type { Rule } from '../src/rules/rule.js'
import { readRuleFile } from '../src/rules/sigma.js'
import { PACK_CASES as CASES } from '../scripts/generator/rule-cases/index.js'
import { compareText } from '../src/text-order.js'

const RULES: readonly Rule[] = BUILTIN_RULE_FILES.flatMap(
  ({ file, text }) => readRuleFile(text, file, true).rules
)

function ruleNamed(name: string): Rule {
  const rule = RULES.find((candidate) => candidate.name === name)
  if (rule === undefined) throw new Error(`No built-in rule named ${name}`)
  return rule
}

/** Whether the rule's detection holds for the record, read as `JSON.parse` gives it. */
function matches(rule: Rule, record: JsonObject): boolean {
  const compiler = createRuleCompiler()
  const predicate = compiler.compile(rule.condition)
  return predicate(jsonRecordValues(compiler.fields, JSON.parse(JSON.stringify(record))))
}

const examples = (kind: 'matches' | 'misses'): [string, string, JsonObject][] =>
  CASES.flatMap(({ rule, [kind]: records }) =>
    Object.entries(records).map(([what, record]): [string, string, JsonObject] => [
      rule,
      what,
      record
    ])
  )

describe('the built-in rule pack', () => {
  it('has cases for rules that exist, each with a match and a near miss', () => {
    for (const { rule, matches: hits, misses } of CASES) {
      expect(ruleNamed(rule).name).toBe(rule)
      expect(Object.keys(hits).length).toBeGreaterThan(0)
      expect(Object.keys(misses).length).toBeGreaterThan(0)
    }
    expect(new Set(CASES.map(({ rule }) => rule)).size).toBe(CASES.length)
  })

  it.each(examples('matches'))('%s matches %s', (name, _what, record) => {
    expect(matches(ruleNamed(name), record)).toBe(true)
  })

  it.each(examples('misses'))('%s does not match %s', (name, _what, record) => {
    expect(matches(ruleNamed(name), record)).toBe(false)
  })
})

describe('the built-in rule pack on DuckDB', () => {
  const TABLE = { catalog: 'AwsDataCatalog', database: 'default', table: 'pack_cases' }
  const records = [...examples('matches'), ...examples('misses')].map(([, , record]) => record)
  let root: string
  let duckdb: AthenaOnDuckDB

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rule-pack-'))
    await writeLogFile(
      root,
      { account: ACCOUNT, region: 'eu-west-1', day: '2026-11-02' },
      `${ACCOUNT}_CloudTrail_eu-west-1_20261102T0915Z_RulePack.json.gz`,
      JSON.stringify({ Records: records })
    )
    duckdb = await AthenaOnDuckDB.open()
    await duckdb.createTable(TABLE, root, { bucket: '', prefix: '', organizationId: '' })
  })

  afterAll(async () => {
    duckdb?.close()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('matches every case record with the same rules as the local engine', async () => {
    const compiler = createRuleCompiler()
    const tests = RULES.map((rule) => ({ key: rule.key, test: compiler.compile(rule.condition) }))
    const local = new Map(
      records.map((record) => {
        const values = jsonRecordValues(compiler.fields, JSON.parse(JSON.stringify(record)))
        const keys = tests.filter(({ test }) => test(values)).map(({ key }) => key)
        return [record.eventID as string, keys.sort(compareText).join(' ')]
      })
    )
    const rows = await duckdb.rows(
      `SELECT eventid, ${rulesColumnSql(RULES)} AS rules FROM "default"."pack_cases"`
    )
    const athena = new Map(rows.map((row) => [row.eventid as string, row.rules as string]))
    expect(athena.size).toBe(records.length)
    expect(athena).toEqual(local)
  })

  it('matches every case record in the local engine with the same rules as on DuckDB', async () => {
    const rows = await duckdb.rows(
      `SELECT eventid, ${rulesColumnSql(RULES)} AS rules FROM "default"."pack_cases"`
    )
    const engine = await rulesByEventId(
      localPlan(root, {
        accounts: [ACCOUNT],
        regions: ['eu-west-1'],
        window: { start: '2026-11-02', end: '2026-11-02' },
        dayBoundary: 'delivery',
        rules: RULES,
        evidenceLimit: 10_000
      })
    )
    const athena = rows.map((row) => [row.eventid as string, row.rules as string] as const)
    expect(athena.filter(([, rules]) => rules !== '').length).toBeGreaterThan(CASES.length)
    expect(athena.map(([id]) => [id, engine.get(id) ?? ''])).toEqual(athena)
  })
})

describe('the threshold rules of the pack', () => {
  const thresholdRules = RULES.filter((rule) => rule.threshold !== undefined)

  it.each(thresholdRules.map((rule) => [rule.key, rule] as const))(
    '%s counts per principal and UTC day, as its description says',
    (_key, rule) => {
      const count = rule.threshold?.count as number
      expect(rule.threshold?.per).toEqual(['principal'])
      expect(rule.description).toMatch(new RegExp(`\\b${count} (times )?or more\\b`))
      expect(rule.description).toMatch(/evaluated per principal( \([^)]*\))? and UTC day/)
    }
  )
})
