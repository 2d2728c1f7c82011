import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'
import { createRuleCompiler } from '../src/engine/local/predicates.js'
import { jsonRecordValues } from '../src/engine/local/record-values.js'
import { generateSampleBucket, type SampleOptions } from '../scripts/generator/bucket.js'

const OPTIONS: SampleOptions = {
  seed: 1,
  accounts: ['111122223333'],
  regions: ['us-east-1', 'eu-west-1'],
  days: ['2026-11-01'],
  filesPerDay: 8,
  recordsPerFile: 10
}

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sample-'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

async function files(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort()
  return new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name))] as const))
  )
}

describe('the sample bucket generator', () => {
  it('writes the same bytes for the same seed', async () => {
    await generateSampleBucket(join(root, 'a'), OPTIONS)
    await generateSampleBucket(join(root, 'b'), OPTIONS)
    const a = await files(join(root, 'a'))
    const b = await files(join(root, 'b'))
    expect([...a.keys()]).toEqual([...b.keys()])
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name) as Buffer)).toBe(true)
  })

  it('writes other events for another seed', async () => {
    await generateSampleBucket(join(root, 'c'), { ...OPTIONS, seed: 2 })
    const a = await files(join(root, 'a'))
    const c = await files(join(root, 'c'))
    expect([...a.keys()]).not.toEqual([...c.keys()])
  })

  it('lays files out as CloudTrail does, with digest and Insights folders beside the logs', async () => {
    const names = [...(await files(join(root, 'a'))).keys()]
    const log =
      /^AWSLogs\/111122223333\/CloudTrail\/(us-east-1|eu-west-1)\/2026\/11\/0[12]\/111122223333_CloudTrail_\1_2026110[12]T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/
    const other = /^AWSLogs\/111122223333\/CloudTrail-(Digest|Insight)\//
    expect(names.filter((name) => !log.test(name) && !other.test(name))).toEqual([])
    expect(names.filter((name) => other.test(name))).toHaveLength(4)
  })

  it('reports facts that match what it wrote', async () => {
    const facts = await generateSampleBucket(join(root, 'd'), OPTIONS)
    let records = 0
    let logFiles = 0
    let jsonBytes = 0
    for (const [name, bytes] of await files(join(root, 'd'))) {
      if (!name.includes('/CloudTrail/')) continue
      const json = gunzipSync(bytes)
      logFiles++
      jsonBytes += json.length
      records += (JSON.parse(json.toString()) as { Records: unknown[] }).Records.length
    }
    expect({ logFiles, records, jsonBytes }).toEqual({
      logFiles: facts.logFiles,
      records: facts.records,
      jsonBytes: facts.jsonBytes
    })
    expect(Object.values(facts.recordsByFolderDay).reduce((sum, n) => sum + n, 0)).toBe(records)
  })

  it('writes the odd records a real bucket holds', async () => {
    const all: Record<string, unknown>[] = []
    for (const [name, bytes] of await files(join(root, 'a'))) {
      if (!name.includes('/CloudTrail/')) continue
      all.push(
        ...(JSON.parse(gunzipSync(bytes).toString()) as { Records: Record<string, unknown>[] })
          .Records
      )
    }
    const texts = all.map((record) => JSON.stringify(record))
    expect(texts.some((text) => [...text].some((char) => char.charCodeAt(0) > 0x7f))).toBe(true)
    expect(texts.some((text) => text.includes('"bucketName":"alpha","BucketName":"beta"'))).toBe(
      true
    )
    expect(texts.some((text) => text.length > 50_000)).toBe(true)
    expect(all.some((record) => !('eventID' in record))).toBe(true)
    expect(all.some((record) => record.eventTime === null)).toBe(true)
    expect(all.some((record) => record.errorCode === null)).toBe(true)
    expect(
      new Set(all.map((record) => (record.userIdentity as { type?: string } | null)?.type))
    ).toEqual(new Set(['IAMUser', 'AssumedRole', 'AWSService', 'Root', 'AWSAccount']))
  })

  it('writes events that every built-in rule matches, in every sample', async () => {
    const dir = join(root, 'rules')
    await generateSampleBucket(dir, OPTIONS)
    const compiler = createRuleCompiler()
    const tests = BUILTIN_RULES.map((rule) => ({
      key: rule.key,
      test: compiler.compile(rule.condition)
    }))
    const matched = new Set<string>()
    for (const [name, bytes] of await files(dir)) {
      if (!name.includes('/CloudTrail/')) continue
      const { Records } = JSON.parse(gunzipSync(bytes).toString()) as {
        Records: Record<string, unknown>[]
      }
      for (const record of Records) {
        const values = jsonRecordValues(compiler.fields, record)
        for (const { key, test } of tests) if (test(values)) matched.add(key)
      }
    }
    expect([...matched].sort()).toEqual(BUILTIN_RULES.map((rule) => rule.key).sort())
  })
})
