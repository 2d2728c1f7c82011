/**
 * The rules oracle: every Sigma construct the loader takes, compiled to SQL and run by DuckDB over
 * generated log files through the Athena-shaped view (`__fixtures__/duckdb-athena.ts`), must match
 * exactly the events the local engine's predicates match on the same records read with
 * `JSON.parse`. The records are the generator's, changed into the cases each rule must take and
 * its near misses; each rule also states which events it matches, so that agreement on nothing
 * would not pass.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AthenaOnDuckDB } from '../__fixtures__/duckdb-athena.js'
import { localPlan, rulesByEventId, writeLogFile } from '../__fixtures__/local-scan.js'
import { makeRecord, type JsonObject } from '../scripts/generator/events.js'
import { Random } from '../scripts/generator/random.js'
import { rulesColumnSql } from '../src/engine/athena/rules-sql.js'
import { createRuleCompiler } from '../src/engine/local/predicates.js'
import { jsonRecordValues } from '../src/engine/local/record-values.js'
import type { Rule } from '../src/rules/rule.js'
import { readRuleFile } from '../src/rules/sigma.js'
import { lowerText } from '../src/rules/values.js'
import { ORACLE_CASES, oracleRecords } from '../__fixtures__/rule-cases.js'
import { compareText } from '../src/text-order.js'

const ACCOUNT = '111122223333'
const TABLE = { catalog: 'AwsDataCatalog', database: 'default', table: 'rule_cases' }

let root: string
let duckdb: AthenaOnDuckDB
let records: JsonObject[]
let rules: Rule[]

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rules-oracle-'))
  const context = {
    random: new Random(11),
    account: ACCOUNT,
    region: 'us-east-1',
    time: new Date('2026-11-01T10:00:00Z')
  }
  records = oracleRecords((changes, kind = 'role') => ({
    ...makeRecord(
      context,
      { source: 'iam.amazonaws.com', name: 'GetUser', weight: 1, readOnly: true },
      kind
    ),
    ...changes
  }))
  await writeLogFile(
    root,
    { account: ACCOUNT, region: 'us-east-1', day: '2026-11-01' },
    `${ACCOUNT}_CloudTrail_us-east-1_20261101T1000Z_RuleCases.json.gz`,
    JSON.stringify({ Records: records })
  )
  duckdb = await AthenaOnDuckDB.open()
  await duckdb.createTable(TABLE, root, { bucket: '', prefix: '', organizationId: '' })
  rules = ORACLE_CASES.map(({ key, yaml }) => {
    const [rule] = readRuleFile(
      `title: ${key}\nid: ${key}\nname: ${key}\nlevel: low\n${yaml}`,
      key,
      false
    ).rules
    if (rule === undefined) throw new Error(`${key} did not load`)
    return rule
  })
})

afterAll(async () => {
  duckdb?.close()
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

/** Each event's matched rule keys, by `eventID`, as the local engine's predicates find them. */
function localRules(): Map<string, string> {
  const compiler = createRuleCompiler()
  const sorted = [...rules].sort((a, b) => compareText(a.key, b.key))
  const predicates = sorted.map((rule) => ({
    key: rule.key,
    test: compiler.compile(rule.condition)
  }))
  return new Map(
    records.map((record) => {
      const values = jsonRecordValues(
        compiler.fields,
        JSON.parse(JSON.stringify(record)) as JsonObject
      )
      const keys = predicates.filter(({ test }) => test(values)).map(({ key }) => key)
      return [record.eventID as string, keys.join(' ')]
    })
  )
}

async function athenaRules(sql: string): Promise<Map<string, string>> {
  const rows = await duckdb.rows(`SELECT eventid, ${sql} AS rules FROM "default"."rule_cases"`)
  return new Map(rows.map((row) => [row.eventid as string, row.rules as string]))
}

describe('rules on DuckDB and in the local engine', () => {
  it('match the same events with every construct', async () => {
    const local = localRules()
    const athena = await athenaRules(rulesColumnSql(rules))
    expect(athena.size).toBe(records.length)
    expect(athena).toEqual(local)
  })

  it('match the same events in the local engine reading the log file', async () => {
    const athena = await athenaRules(rulesColumnSql(rules))
    const engine = await rulesByEventId(
      localPlan(root, {
        regions: ['us-east-1'],
        window: { start: '2026-11-01', end: '2026-11-01' },
        dayBoundary: 'delivery',
        rules,
        evidenceLimit: 10_000
      })
    )
    expect(new Map([...athena.keys()].map((id) => [id, engine.get(id) ?? '']))).toEqual(athena)
  })

  it.each(ORACLE_CASES)('$key matches exactly its events', async ({ key, matches }) => {
    const local = localRules()
    const matched = [...local].filter(([, keys]) => keys.split(' ').includes(key)).map(([id]) => id)
    expect(matched.sort()).toEqual([...matches].sort())
  })

  it('lowercase as the loader does, per code point, through Latin, Greek, Cyrillic and İ, Σ', async () => {
    const sample = Array.from({ length: 0x530 - 0x20 }, (_, i) => String.fromCodePoint(0x20 + i))
      .filter((char) => char !== "'")
      .join('')
    const [row] = await duckdb.rows(`SELECT lower('${sample}') AS lowered`)
    expect(row?.lowered).toBe(lowerText(sample))
  })

  it('agree on the rules column when it is longer than one array', async () => {
    const many = Array.from({ length: 600 }, (_, i) => ({
      key: `r${String(i).padStart(3, '0')}`,
      condition: (rules[i % rules.length] as Rule).condition
    }))
    const athena = await athenaRules(rulesColumnSql(many))
    const compiler = createRuleCompiler()
    const tests = many.map((rule) => compiler.compile(rule.condition))
    for (const record of records) {
      const values = jsonRecordValues(compiler.fields, record)
      const keys = many.filter((_, i) => (tests[i] as (v: typeof values) => boolean)(values))
      expect(athena.get(record.eventID as string)).toBe(keys.map((rule) => rule.key).join(' '))
    }
  })
})

describe('the rules comparison', () => {
  // Each change is one the oracle must notice: if it did not, equal results would prove nothing.
  const changes = [
    { what: 'the LIKE escape', from: "LIKE '%\\%b\\_%' ESCAPE '\\'", to: "LIKE '%\\%b\\_%'" },
    {
      what: 'lowercasing the value',
      from: "lower(useragent) LIKE '%überprüfung",
      to: "useragent LIKE '%überprüfung"
    },
    {
      what: 'the network range',
      from: 'BETWEEN 167772160 AND 184549375',
      to: 'BETWEEN 167772160 AND 184549376'
    },
    { what: 'the end anchor', from: "'abc\\z'", to: "'abc\\n?\\z'" },
    { what: 'a JSON path', from: `'$["ratio"]'`, to: `'$["durationSeconds"]'` }
  ]

  it.each(changes)('notices a change to $what', async ({ from, to }) => {
    const sql = rulesColumnSql(rules)
    expect(sql.split(from).length - 1).toBe(1)
    const athena = await athenaRules(sql.replace(from, to))
    expect(athena).not.toEqual(localRules())
  })
})
