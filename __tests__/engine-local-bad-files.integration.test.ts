import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventsWhere,
  localPlan,
  scanDir,
  totalEvents,
  type LocalScan
} from '../__fixtures__/local-scan.js'
import { recordingLog } from '../__fixtures__/log.js'
import { CLI, NODE } from '../__fixtures__/runner.js'
import { makeRecord, pickTemplate, type JsonObject } from '../scripts/generator/events.js'
import { Random } from '../scripts/generator/random.js'
import { Input, parseInputs } from '../src/inputs/inputs.js'
import { dayFolderKey } from '../src/plan/layout.js'
import { escapeText } from '../src/reports/markdown.js'
import type { OnBadFile } from '../src/inputs/inputs.js'
import type { LocalEngineSettings } from '../src/engine/local/scan.js'
import { makeReport } from '../src/pipeline.js'
import { folderDays } from '../src/inputs/window.js'

const ACCOUNT = '111122223333'
const REGION = 'eu-west-1'
const DAY = '2026-11-01'
const WINDOW = { start: DAY, end: DAY }
const MODES: readonly OnBadFile[] = ['fail', 'skip']

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-bad-files-'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

function record(fields: JsonObject = {}): JsonObject {
  return {
    eventTime: `${DAY}T10:00:00Z`,
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    awsRegion: REGION,
    recipientAccountId: ACCOUNT,
    eventID: 'good-1',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice` },
    ...fields
  }
}

const delivery = (...records: readonly JsonObject[]): string => JSON.stringify({ Records: records })

function dayFolder(dir: string): string {
  return join(
    dir,
    dayFolderKey({ bucket: '', prefix: '', organizationId: '' }, ACCOUNT, REGION, DAY)
  )
}

/** A fresh logs directory whose day folder holds one good delivery of one event. */
async function logsDirWithGoodFile(): Promise<{ dir: string; folder: string }> {
  const dir = await mkdtemp(join(root, 'logs-'))
  const folder = dayFolder(dir)
  await mkdir(folder, { recursive: true })
  await writeFile(join(folder, 'good.json.gz'), gzipSync(delivery(record())))
  return { dir, folder }
}

function plan(
  dir: string,
  onBadFile: OnBadFile,
  overrides: Partial<LocalEngineSettings> = {}
): LocalEngineSettings {
  return localPlan(dir, {
    accounts: [ACCOUNT],
    regions: [REGION],
    window: WINDOW,
    folderDays: folderDays(WINDOW, 'event-time'),
    onBadFile,
    ...overrides
  })
}

const truncatedGzip = (): Buffer => {
  const whole = gzipSync(delivery(record(), record({ eventID: 'good-2' })))
  return whole.subarray(0, Math.floor(whole.length / 2))
}
const invalidJson = `{"Records":[${JSON.stringify(record())},]}`

/** Broken files: what each is, its name and bytes, and the reason the engine gives. */
const BAD_FILES = [
  {
    what: 'a truncated gzip file',
    name: 'bad.json.gz',
    bytes: truncatedGzip,
    reason: 'truncated gzip: the file ends before its compressed data does'
  },
  {
    what: 'a .json.gz file that is not gzip',
    name: 'bad.json.gz',
    bytes: () => Buffer.from(delivery(record())),
    reason: 'not valid gzip: incorrect header check'
  },
  {
    what: 'invalid JSON',
    name: 'bad.json.gz',
    bytes: () => gzipSync(invalidJson),
    reason: `not valid JSON: unexpected byte at offset ${invalidJson.length - 2}`
  },
  {
    what: 'JSON cut off in the middle',
    name: 'bad.json',
    bytes: () => Buffer.from(`{"Records":[${JSON.stringify(record())}`),
    reason: 'not valid JSON: unexpected end of the document'
  },
  {
    what: 'JSON that is not a CloudTrail delivery (a digest file)',
    name: 'bad.json.gz',
    bytes: () => gzipSync(JSON.stringify({ digestStartTime: `${DAY}T00:00:00Z`, logFiles: [] })),
    reason: 'not a CloudTrail log file: it has no "Records" key'
  },
  {
    what: 'a delivery whose Records hold something other than objects',
    name: 'bad.json',
    bytes: () => Buffer.from(`{"Records":[${JSON.stringify(record())},"x"]}`),
    reason: 'not a CloudTrail log file: Records[1] is not an object'
  }
] as const

describe('local engine, a broken log file among good ones', () => {
  it.each(BAD_FILES)('with on-bad-file fail, stops at $what, naming it', async (bad) => {
    const { dir, folder } = await logsDirWithGoodFile()
    const path = join(folder, bad.name)
    await writeFile(path, bad.bytes())
    await expect(scanDir(plan(dir, 'fail'))).rejects.toThrow(
      `Cannot read the log file ${path}: ${bad.reason}`
    )
  })

  it.each(BAD_FILES)(
    'with on-bad-file skip, skips $what, lists it, and counts none of it',
    async (bad) => {
      const { dir, folder } = await logsDirWithGoodFile()
      const path = join(folder, bad.name)
      await writeFile(path, bad.bytes())
      const { scan, rows, log } = await scanDir(plan(dir, 'skip'))
      expect(totalEvents(rows)).toBe(1)
      expect(scan.filesRead).toBe(1)
      expect(scan.skippedFiles).toEqual([{ path, reason: bad.reason }])
      expect(log.warnings).toEqual([`Skipped the log file ${path}: ${bad.reason}`])
    }
  )
})

describe('local engine, empty files', () => {
  it.each(MODES)(
    'with on-bad-file %s, reads 0-byte .json and .json.gz files as empty deliveries',
    async (onBadFile) => {
      const { dir, folder } = await logsDirWithGoodFile()
      await writeFile(join(folder, 'empty.json'), '')
      await writeFile(join(folder, 'empty.json.gz'), '')
      await writeFile(join(folder, 'no-records.json.gz'), gzipSync(delivery()))
      const { scan, rows, log } = await scanDir(plan(dir, onBadFile))
      expect(scan.filesRead).toBe(4)
      expect(totalEvents(rows)).toBe(1)
      expect(scan.skippedFiles).toEqual(onBadFile === 'skip' ? [] : undefined)
      expect(log.warnings).toEqual([])
    }
  )
})

describe('local engine, records without eventTime or eventID', () => {
  async function scanOdd(
    onBadFile: OnBadFile,
    overrides: Partial<LocalEngineSettings>
  ): Promise<LocalScan> {
    const { dir, folder } = await logsDirWithGoodFile()
    const noTime = record({ eventID: 'no-time', eventName: 'NoTime' })
    delete noTime.eventTime
    const noId = record({ eventName: 'NoId' })
    delete noId.eventID
    // The same event delivered twice, and two events without an eventID, which cannot be told
    // apart from one delivered twice.
    await writeFile(join(folder, 'odd.json'), delivery(noTime, noTime, noId, noId))
    return scanDir(plan(dir, onBadFile, overrides))
  }

  it.each(MODES)(
    'with on-bad-file %s and by delivery, counts an event without eventTime with an empty date',
    async (onBadFile) => {
      const { rows, scan } = await scanOdd(onBadFile, {
        dayBoundary: 'delivery',
        folderDays: folderDays(WINDOW, 'delivery')
      })
      expect(eventsWhere(rows, (row) => row.eventname === 'NoTime')).toBe(1)
      expect(rows.find((row) => row.eventname === 'NoTime')?.eventdate).toBe('')
      expect(scan.skippedFiles).toEqual(onBadFile === 'skip' ? [] : undefined)
    }
  )

  it.each(MODES)(
    'with on-bad-file %s and by event time, leaves out an event without eventTime',
    async (onBadFile) => {
      const { rows, scan } = await scanOdd(onBadFile, { dayBoundary: 'event-time' })
      expect(rows.filter((row) => row.eventname === 'NoTime')).toEqual([])
      expect(totalEvents(rows)).toBe(3)
      expect(scan.filesRead).toBe(2)
    }
  )

  it.each(MODES)(
    'with on-bad-file %s and dedupe, counts every event without an eventID',
    async (onBadFile) => {
      const { rows } = await scanOdd(onBadFile, { dedupe: true })
      expect(eventsWhere(rows, (row) => row.eventname === 'NoId')).toBe(2)
    }
  )
})

/** The big delivery's size: 50 MiB of JSON in one log file. */
const BIG_BYTES = 50 * 1024 * 1024

describe('local engine, a 50 MB delivery', () => {
  let dir: string
  let records: JsonObject[]
  let expectedByName: Map<string, number>

  beforeAll(async () => {
    const random = new Random(50)
    records = []
    let bytes = 0
    const start = Date.parse(`${DAY}T00:00:00Z`)
    while (bytes < BIG_BYTES) {
      const time = new Date(start + random.int(0, 86_399) * 1000)
      const made = makeRecord(
        { random, account: ACCOUNT, region: REGION, time },
        pickTemplate(random, REGION)
      )
      records.push(made)
      bytes += JSON.stringify(made).length + 1
    }
    // Every 100th event delivered a second time in the same file: dedupe must count it once.
    const again = records.filter((_, i) => i % 100 === 0)
    expectedByName = new Map()
    for (const made of records) {
      const name = String(made.eventName)
      expectedByName.set(name, (expectedByName.get(name) ?? 0) + 1)
    }
    ;({ dir } = await logsDirWithGoodFile())
    const json = delivery(...records, ...again)
    expect(json.length).toBeGreaterThanOrEqual(BIG_BYTES)
    // Level 1: the fastest to write; the engine reads any level at the same speed.
    await writeFile(join(dayFolder(dir), 'big.json.gz'), gzipSync(json, { level: 1 }))
  })

  it.each(MODES)(
    'with on-bad-file %s, counts every event exactly, in bounded memory',
    async (onBadFile) => {
      const before = process.memoryUsage().rss
      let peak = before
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss)
      }, 5)
      let result: LocalScan
      try {
        result = await scanDir(plan(dir, onBadFile, { dedupe: true }))
      } finally {
        clearInterval(sampler)
      }
      const { rows, scan } = result
      expect(scan.filesRead).toBe(2)
      expect(scan.skippedFiles).toEqual(onBadFile === 'skip' ? [] : undefined)
      // The good file's ListBuckets event is one more of that name.
      const counted = new Map<string, number>()
      for (const row of rows)
        counted.set(row.eventname, (counted.get(row.eventname) ?? 0) + row.events)
      const expected = new Map(expectedByName)
      expected.set('ListBuckets', (expected.get('ListBuckets') ?? 0) + 1)
      expect(counted).toEqual(expected)
      expect(totalEvents(rows)).toBe(records.length + 1)
      // A file is gunzipped whole in a parser thread, so memory follows the largest file, never
      // the number of files: about 2.5 times its JSON here (parser threads' own heaps included).
      expect(peak - before).toBeLessThan(5 * BIG_BYTES)
    },
    60_000
  )
})

describe('the skipped line of the summary', () => {
  /** A logs directory with one good file, a truncated gzip file and a digest-like file. */
  async function twoBadFiles(): Promise<{ dir: string; truncated: string; digest: string }> {
    const { dir, folder } = await logsDirWithGoodFile()
    const truncated = join(folder, 'truncated.json.gz')
    const digest = join(folder, 'digest.json')
    await writeFile(truncated, truncatedGzip())
    await writeFile(digest, JSON.stringify({ digestStartTime: `${DAY}T00:00:00Z` }))
    return { dir, truncated, digest }
  }

  const summaryLines = (truncated: string, digest: string): string[] => [
    '| Log files | 1 read (212 B); 2 skipped (listed below); ',
    [
      '### Skipped log files',
      '',
      '| File | Reason |',
      '| --- | --- |',
      `| ${escapeText(digest)} | not a CloudTrail log file: it has no "Records" key |`,
      `| ${escapeText(truncated)} | truncated gzip: the file ends before its compressed data does |`,
      ''
    ].join('\n')
  ]

  it('lists the files makeReport skipped, with why, under on-bad-file skip', async () => {
    const { dir, truncated, digest } = await twoBadFiles()
    const values: Partial<Record<Input, string>> = {
      [Input.Engine]: 'local',
      [Input.LogsDir]: dir,
      [Input.Account]: ACCOUNT,
      [Input.Date]: DAY,
      [Input.OnBadFile]: 'skip'
    }
    const report = await makeReport(
      parseInputs((input) => values[input] ?? '', new Date(`${DAY}T12:00:00Z`)),
      {
        log: recordingLog(),
        aws: () => {
          throw new Error('a run on local files makes no AWS client')
        },
        reportDir: join(dir, 'report'),
        workspace: dir,
        signal: new AbortController().signal
      }
    )
    const summary = await readFile(report.summaryPath, 'utf8')
    for (const line of summaryLines(truncated, digest)) expect(summary).toContain(line)
    expect(report.markdown).toBe(summary)
  })

  it('is printed by the bundled CLI with --on-bad-file skip, which exits 0', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run 'npm run bundle' first`).toBe(true)
    const { dir, truncated, digest } = await twoBadFiles()
    const run = (...extra: string[]) =>
      spawnSync(
        NODE,
        [
          CLI,
          '--engine',
          'local',
          '--logs-dir',
          dir,
          '--account',
          ACCOUNT,
          '--date',
          DAY,
          '--out',
          join(dir, 'report'),
          ...extra
        ],
        { encoding: 'utf8' }
      )
    const skipped = run('--on-bad-file', 'skip')
    expect(skipped.stderr).toContain(
      `warning: Skipped the log file ${truncated}: truncated gzip: the file ends before its compressed data does\n`
    )
    expect(skipped.status).toBe(0)
    for (const line of summaryLines(truncated, digest)) expect(skipped.stdout).toContain(line)

    const failed = run()
    expect(failed.stderr).toMatch(
      new RegExp(
        `error: Cannot read the log file (${escapeRegExp(truncated)}: truncated gzip|${escapeRegExp(digest)}: not a CloudTrail log file)`
      )
    )
    expect(failed.status).toBe(1)
    expect(failed.stdout).toBe('')
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
