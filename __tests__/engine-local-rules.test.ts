/**
 * The local engine's rule columns on hand-made deliveries: every rule an event matches, the first
 * and last times, and the evidence with its limit and its dedupe across files (and so across
 * parser threads). The SQL oracle proves the whole aggregate equal to the reference on generated
 * logs; these pin the cases by name.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localPlan, scanDir, writeLogFile } from '../__fixtures__/local-scan.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'
import type { AggregateRow } from '../src/engine/aggregate.js'
import type { LocalEngineSettings } from '../src/engine/local/scan.js'

const ACCOUNT = '111122223333'
const DAY = '2024-03-10'
const RULES = BUILTIN_RULES.filter((rule) =>
  ['cloudtrail-changes', 'root-activity', 'unauthorized-calls'].includes(rule.key)
)

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'engine-local-rules-'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A trail stopped by root, at `time`, with `changes`. */
function stopped(time: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: `${DAY}T${time}Z`,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    awsRegion: 'us-east-1',
    recipientAccountId: ACCOUNT,
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15.0',
    eventID: `id-${time}`,
    userIdentity: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
    requestParameters: { name: 'main', n: 1.5e2 },
    resources: [{ ARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main` }, { ARN: 'b' }],
    ...changes
  }
}

/** Writes each delivery as one file of the day's us-east-1 folder, in a directory of its own. */
async function logs(name: string, deliveries: readonly Record<string, unknown>[][]) {
  const dir = join(root, name)
  for (const [index, records] of deliveries.entries()) {
    await writeLogFile(
      dir,
      { account: ACCOUNT, region: 'us-east-1', day: DAY },
      `${ACCOUNT}_CloudTrail_us-east-1_20240310T${String(index).padStart(4, '0')}Z_f${index}.json.gz`,
      JSON.stringify({ Records: records })
    )
  }
  return dir
}

async function rows(dir: string, overrides: Partial<LocalEngineSettings> = {}) {
  const scan = await scanDir(
    localPlan(dir, {
      regions: ['us-east-1'],
      window: { start: DAY, end: DAY },
      rules: RULES,
      ...overrides
    })
  )
  return scan.rows
}

describe('the local engine with rules', () => {
  it('names every rule an event matches, sorted, with its times and evidence', async () => {
    const dir = await logs('every-rule', [
      [stopped('10:00:00'), stopped('09:00:00', { errorCode: 'AccessDenied' })],
      [stopped('11:00:00')]
    ])
    const found = await rows(dir)
    expect(found.map((row) => [row.errorcode, row.rules, row.events, row.first, row.last])).toEqual(
      [
        ['', 'cloudtrail-changes root-activity', 2, `${DAY}T10:00:00Z`, `${DAY}T11:00:00Z`],
        [
          'AccessDenied',
          'cloudtrail-changes root-activity unauthorized-calls',
          1,
          `${DAY}T09:00:00Z`,
          `${DAY}T09:00:00Z`
        ]
      ]
    )
    expect(found[0]?.principal).toBe(`arn:aws:iam::${ACCOUNT}:root`)
    expect(found[0]?.evidence[0]).toEqual({
      eventtime: `${DAY}T10:00:00Z`,
      eventid: 'id-10:00:00',
      sourceipaddress: '203.0.113.9',
      useragent: 'aws-cli/2.15.0',
      resources: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main b`,
      requestparameters: '{"name":"main","n":150}'
    })
  })

  it('gives a row without rules no times and no evidence', async () => {
    const dir = await logs('no-rule', [[stopped('10:00:00', { eventName: 'DescribeTrails' })]])
    const found = await rows(dir, { rules: RULES.filter((rule) => rule.key !== 'root-activity') })
    expect(found.map((row) => [row.rules, row.events, row.first, row.last, row.evidence])).toEqual([
      ['', 1, '', '', []]
    ])
  })

  it('lists the earliest events up to the evidence limit, and counts them all', async () => {
    const times = ['10:00:05', '10:00:01', '10:00:04', '10:00:02', '10:00:03']
    const dir = await logs('limit', [
      times.slice(0, 3).map((t) => stopped(t)),
      times.slice(3).map((t) => stopped(t))
    ])
    const [row] = await rows(dir, { evidenceLimit: 3 })
    expect(row?.events).toBe(5)
    expect(row?.evidence.map((item) => item.eventid)).toEqual([
      'id-10:00:01',
      'id-10:00:02',
      'id-10:00:03'
    ])
    const [none] = await rows(dir, { evidenceLimit: 0 })
    expect([none?.events, none?.first, none?.evidence]).toEqual([5, `${DAY}T10:00:01Z`, []])
  })

  // Forty files, so that both parser threads read some: the same event delivered in many of them,
  // its fields differing, is one item, its smallest, counted once.
  it('with dedupe, lists an event delivered in several files once, its smallest, across threads', async () => {
    const deliveries = Array.from({ length: 40 }, (_, i) => [
      stopped('10:00:00', { eventID: 'twice', sourceIPAddress: `198.51.100.${40 - i}` }),
      stopped(`11:00:${String(i).padStart(2, '0')}`)
    ])
    const dir = await logs('dedupe', deliveries)
    const check = (row: AggregateRow | undefined, dedupe: boolean) => {
      const twice = row?.evidence.filter((item) => item.eventid === 'twice') ?? []
      expect(twice.map((item) => item.sourceipaddress)).toEqual(
        dedupe ? ['198.51.100.1'] : ['198.51.100.1', '198.51.100.10', '198.51.100.11']
      )
      expect(row?.evidence).toHaveLength(3)
      expect([row?.events, row?.records]).toEqual(dedupe ? [41, 80] : [80, 80])
    }
    check((await rows(dir, { evidenceLimit: 3 }))[0], true)
    check((await rows(dir, { evidenceLimit: 3, dedupe: false }))[0], false)
  })
})
