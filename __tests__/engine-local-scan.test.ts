import { readFile, readdir, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventsWhere,
  localPlan,
  scanDir,
  totalEvents,
  writeLogFile
} from '../__fixtures__/local-scan.js'
import { discoverLocalRegions } from '../src/plan/regions.js'
import { dayFolderKey } from '../src/plan/layout.js'
import {
  generateSampleBucket,
  type SampleFacts,
  type SampleOptions
} from '../scripts/generator/bucket.js'
import { folderDays } from '../src/inputs/window.js'
import type { LocalEngineSettings } from '../src/engine/local/scan.js'

const ACCOUNTS = ['111122223333', '444455556666']
const REGIONS = ['eu-west-1', 'us-east-1']
const SAMPLE: SampleOptions = {
  seed: 42,
  accounts: ACCOUNTS,
  regions: REGIONS,
  days: ['2026-11-01', '2026-11-02'],
  filesPerDay: 12,
  recordsPerFile: 20
}
const DAY_1 = { start: '2026-11-01', end: '2026-11-01' }
const DAY_2 = { start: '2026-11-02', end: '2026-11-02' }
/** Every folder the sample wrote: its two days and the late deliveries of the day after. */
const ALL_FOLDERS = { start: '2026-11-01', end: '2026-11-03' }

let root: string
let logsDir: string
let facts: SampleFacts

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'engine-local-'))
  logsDir = join(root, 'bucket')
  facts = await generateSampleBucket(logsDir, SAMPLE)
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

function plan(
  window: { start: string; end: string },
  dayBoundary: 'event-time' | 'delivery',
  dedupe: boolean,
  overrides: Partial<LocalEngineSettings> = {}
) {
  return localPlan(logsDir, {
    accounts: ACCOUNTS,
    regions: REGIONS,
    window,
    dayBoundary,
    folderDays: folderDays(window, dayBoundary),
    dedupe,
    ...overrides
  })
}

describe('local engine on a generated bucket', () => {
  it('by delivery, counts every record of the window’s folders', async () => {
    const { rows } = await scanDir(plan(DAY_2, 'delivery', false))
    expect(totalEvents(rows)).toBe(facts.recordsByFolderDay['2026-11-02'])
  })

  it('by delivery, keeps the late events of the day before with their own date', async () => {
    const { rows } = await scanDir(plan(DAY_2, 'delivery', false))
    const late = eventsWhere(rows, (row) => row.eventdate === '2026-11-01')
    expect(late).toBeGreaterThan(0)
    expect(new Set(rows.map((row) => row.eventdate))).toEqual(
      new Set(['2026-11-01', '2026-11-02', ''])
    )
  })

  it('by event time, counts the events of the window, late deliveries from the next folder included', async () => {
    const { rows } = await scanDir(plan(DAY_1, 'event-time', false))
    expect(facts.lateRecords).toBeGreaterThan(0)
    expect(totalEvents(rows)).toBe(facts.recordsByEventDay['2026-11-01'])
    expect(new Set(rows.map((row) => row.eventdate))).toEqual(new Set(['2026-11-01']))
  })

  it('by event time over a range, counts each day’s events once', async () => {
    const window = { start: '2026-11-01', end: '2026-11-02' }
    const { rows } = await scanDir(plan(window, 'event-time', false))
    expect(eventsWhere(rows, (row) => row.eventdate === '2026-11-01')).toBe(
      facts.recordsByEventDay['2026-11-01']
    )
    expect(eventsWhere(rows, (row) => row.eventdate === '2026-11-02')).toBe(
      facts.recordsByEventDay['2026-11-02']
    )
  })

  it('without dedupe counts a twice-delivered event twice, with dedupe once', async () => {
    const all = await scanDir(plan(ALL_FOLDERS, 'delivery', false))
    const deduped = await scanDir(plan(ALL_FOLDERS, 'delivery', true))
    expect(facts.duplicateRecords).toBeGreaterThan(0)
    expect(totalEvents(all.rows)).toBe(facts.records)
    expect(totalEvents(deduped.rows)).toBe(facts.records - facts.duplicateRecords)
  })

  it('dates records without an eventTime as empty by delivery, and leaves them out by event time', async () => {
    const { rows } = await scanDir(plan(ALL_FOLDERS, 'delivery', false))
    const dated = Object.values(facts.recordsByEventDay).reduce((sum, count) => sum + count, 0)
    expect(eventsWhere(rows, (row) => row.eventdate === '')).toBe(facts.records - dated)
    expect(facts.records - dated).toBeGreaterThan(0)
  })

  it('reads every log file of the folders, and no digest or Insights file', async () => {
    const { scan, rows } = await scanDir(plan(ALL_FOLDERS, 'delivery', false))
    expect(facts.digestAndInsightFiles).toBe(16)
    expect(scan.filesRead).toBe(facts.logFiles)
    expect(rows.filter((row) => row.eventsource === '')).toEqual([])
  })

  it('says how many bytes it read: the log files as stored', async () => {
    const { scan } = await scanDir(plan(ALL_FOLDERS, 'delivery', false))
    const files = (await readdir(logsDir, { recursive: true })).filter(
      (path) => path.includes('/CloudTrail/') && path.endsWith('.json.gz')
    )
    const sizes = await Promise.all(
      files.map(async (path) => (await stat(join(logsDir, path))).size)
    )
    expect(files).toHaveLength(facts.logFiles)
    expect(scan.bytesRead).toBe(sizes.reduce((sum, size) => sum + size, 0))
  })

  it('names as principal the role of an assumed role, else the ARN, the service or the account', async () => {
    const { rows } = await scanDir(plan(ALL_FOLDERS, 'delivery', false))
    const principals = (type: string) =>
      new Set(rows.filter((row) => row.identitytype === type).map((row) => row.principal))
    expect(principals('Root').size).toBeGreaterThan(0)
    for (const principal of principals('Root')) {
      expect(principal).toMatch(/^arn:aws:iam::(111122223333|444455556666):root$/)
    }
    expect(principals('AWSAccount')).toEqual(new Set(['999988887777']))
    for (const principal of principals('AWSService'))
      expect(principal).toMatch(/^[a-z0-9.-]+\.amazonaws\.com$/)
    // The assumed role without a session issuer or ARN (an odd record) falls back to the account.
    for (const principal of principals('AssumedRole')) {
      expect(principal).toMatch(/^(arn:aws:iam::\d{12}:role\/.+|\d{12})$/)
    }
  })

  it('gives rows in key order, whatever the order the threads finished in', async () => {
    const { rows } = await scanDir(plan(DAY_1, 'event-time', true))
    const keys = rows.map((row) => JSON.stringify(Object.values(row).slice(0, 10)))
    expect(keys).toEqual([...keys].sort())
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('says how much it read when done', async () => {
    const { log } = await scanDir(plan(DAY_1, 'delivery', false))
    expect(log.infos.at(-1)).toMatch(
      /^Read \d+ log files, [\d,]+ records in \d+\.\d s \([\d,]+ records\/s\)$/
    )
  })
})

describe('local engine layouts', () => {
  it('reads an organization trail with a prefix', async () => {
    const dir = join(root, 'organization')
    const layout = { bucket: '', prefix: 'trails/prod', organizationId: 'o-abc123def456' }
    const orgFacts = await generateSampleBucket(dir, {
      ...SAMPLE,
      seed: 7,
      prefix: layout.prefix,
      organizationId: layout.organizationId
    })
    const window = ALL_FOLDERS
    const { rows, scan } = await scanDir(
      localPlan(dir, {
        layout,
        accounts: ACCOUNTS,
        regions: REGIONS,
        window,
        dayBoundary: 'delivery',
        folderDays: folderDays(window, 'delivery'),
        dedupe: false
      })
    )
    expect(scan.filesRead).toBe(orgFacts.logFiles)
    expect(totalEvents(rows)).toBe(orgFacts.records)
  })

  it('finds nothing where the layout says nothing is', async () => {
    const { rows, scan } = await scanDir(
      localPlan(logsDir, {
        layout: { bucket: '', prefix: 'elsewhere', organizationId: '' },
        accounts: ACCOUNTS,
        regions: REGIONS
      })
    )
    expect(scan.filesRead).toBe(0)
    expect(rows).toEqual([])
  })

  it('fails when the logs directory does not exist', async () => {
    const missing = join(root, 'missing')
    await expect(scanDir(localPlan(missing))).rejects.toThrow(
      `The logs directory ${missing} does not exist or is not a directory`
    )
  })
})

describe('discoverLocalRegions', () => {
  it('lists the region folders of every account, sorted, once each', async () => {
    const dir = join(root, 'regions')
    for (const [account, region] of [
      ['111122223333', 'us-west-2'],
      ['111122223333', 'eu-west-1'],
      ['444455556666', 'eu-west-1'],
      ['444455556666', 'ap-southeast-2']
    ] as const) {
      await mkdir(join(dir, 'AWSLogs', account, 'CloudTrail', region), { recursive: true })
    }
    expect(
      await discoverLocalRegions(dir, { prefix: '', organizationId: '', accounts: ACCOUNTS })
    ).toEqual(['ap-southeast-2', 'eu-west-1', 'us-west-2'])
  })

  it('ignores folders and files that are not regions', async () => {
    const dir = join(root, 'not-regions')
    const cloudTrail = join(dir, 'AWSLogs', '111122223333', 'CloudTrail')
    await mkdir(join(cloudTrail, 'us-east-1'), { recursive: true })
    await mkdir(join(cloudTrail, 'backup'), { recursive: true })
    await writeFile(join(cloudTrail, 'eu-west-1'), '')
    expect(
      await discoverLocalRegions(dir, {
        prefix: '',
        organizationId: '',
        accounts: ['111122223333']
      })
    ).toEqual(['us-east-1'])
  })

  it('reads the organization and prefix layout', async () => {
    expect(
      await discoverLocalRegions(join(root, 'organization'), {
        prefix: 'trails/prod',
        organizationId: 'o-abc123def456',
        accounts: ACCOUNTS
      })
    ).toEqual(REGIONS)
  })

  it('fails, naming where it looked, when there is no region folder', async () => {
    const dir = join(root, 'empty')
    await mkdir(dir, { recursive: true })
    await expect(
      discoverLocalRegions(dir, { prefix: '', organizationId: '', accounts: ['111122223333'] })
    ).rejects.toThrow(
      `No region folders in ${join(dir, 'AWSLogs', '111122223333', 'CloudTrail')}: check logs-dir, prefix, organization-id and account`
    )
  })
})

describe('local engine and unreadable files', () => {
  const where = { account: '111122223333', region: 'eu-west-1', day: '2026-11-01' }
  const goodRecord = (eventID: string) =>
    JSON.stringify({
      eventTime: '2026-11-01T10:00:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'ListBuckets',
      awsRegion: 'eu-west-1',
      recipientAccountId: '111122223333',
      eventID,
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' }
    })

  async function badFileCase(name: string, content: string | Uint8Array) {
    const dir = await mkdtemp(join(root, 'bad-'))
    await writeLogFile(dir, where, 'a_good.json.gz', `{"Records":[${goodRecord('1')}]}`)
    const path = await writeLogFile(dir, where, name, content)
    const bad = localPlan(dir, {
      accounts: [where.account],
      regions: [where.region],
      window: DAY_1
    })
    return { dir, path, bad }
  }

  it('fails on a truncated gzip file, naming it', async () => {
    const dir = await mkdtemp(join(root, 'bad-'))
    const path = await writeLogFile(dir, where, 'b.json.gz', `{"Records":[${goodRecord('1')}]}`)
    const bytes = await readFile(path)
    await writeFile(path, bytes.subarray(0, bytes.length - 12))
    await expect(
      scanDir(localPlan(dir, { accounts: [where.account], regions: [where.region], window: DAY_1 }))
    ).rejects.toThrow(
      `Cannot read the log file ${path}: truncated gzip: the file ends before its compressed data does`
    )
  })

  it('fails on a file that is not gzip', async () => {
    const dir = await mkdtemp(join(root, 'bad-'))
    const folder = join(
      dir,
      dayFolderKey(
        { bucket: '', prefix: '', organizationId: '' },
        where.account,
        where.region,
        where.day
      )
    )
    await mkdir(folder, { recursive: true })
    const path = join(folder, 'c.json.gz')
    await writeFile(path, '{"Records":[]}')
    await expect(
      scanDir(localPlan(dir, { accounts: [where.account], regions: [where.region], window: DAY_1 }))
    ).rejects.toThrow(`Cannot read the log file ${path}: not valid gzip: incorrect header check`)
  })

  it('fails on invalid JSON, saying where', async () => {
    const content = `{"Records":[${goodRecord('2')},]}`
    const { path, bad } = await badFileCase('b.json.gz', content)
    await expect(scanDir(bad)).rejects.toThrow(
      `Cannot read the log file ${path}: not valid JSON: unexpected byte at offset ${content.length - 2}`
    )
  })

  it('fails on JSON that is not a CloudTrail delivery', async () => {
    const { path, bad } = await badFileCase('b.json', '{"digestStartTime":"2026-11-01T00:00:00Z"}')
    await expect(scanDir(bad)).rejects.toThrow(
      `Cannot read the log file ${path}: not a CloudTrail log file: it has no "Records" key`
    )
  })

  it('skips bad files when told to, lists them, and counts none of their records', async () => {
    const truncated = `{"Records":[${goodRecord('3')},${goodRecord('4')}`
    const { dir, path, bad } = await badFileCase('b.json.gz', truncated)
    const notCloudTrail = await writeLogFile(dir, where, 'c.json', '[]')
    const { scan, rows, log } = await scanDir({ ...bad, onBadFile: 'skip' })
    expect(totalEvents(rows)).toBe(1)
    expect(scan.filesRead).toBe(1)
    expect(scan.skippedFiles).toEqual([
      { path, reason: 'not valid JSON: unexpected end of the document' },
      { path: notCloudTrail, reason: 'not a CloudTrail log file: the document is not an object' }
    ])
    expect([...log.warnings].sort()).toEqual([
      `Skipped the log file ${path}: not valid JSON: unexpected end of the document`,
      `Skipped the log file ${notCloudTrail}: not a CloudTrail log file: the document is not an object`
    ])
  })

  it('reads empty files and empty deliveries as no records', async () => {
    const { dir, bad } = await badFileCase('b.json.gz', '{"Records":[]}')
    await writeLogFile(dir, where, 'c.json.gz', '')
    await writeLogFile(dir, where, 'd.json', '')
    const { scan, rows } = await scanDir(bad)
    expect(scan.filesRead).toBe(4)
    expect(totalEvents(rows)).toBe(1)
    expect(scan.skippedFiles).toBeUndefined()
  })

  it('reads deliveries of more than 4 MiB among small ones, and names a broken one', async () => {
    const large = (first: number) =>
      `{"Records":[${Array.from({ length: 20_000 }, (_, i) => goodRecord(`L${first + i}`)).join(',')}]}`
    expect(large(0).length).toBeGreaterThan(4 * 1024 * 1024)
    const { dir, bad } = await badFileCase('b.json.gz', large(0))
    for (let n = 0; n < 30; n++) {
      await writeLogFile(dir, where, `s${n}.json.gz`, `{"Records":[${goodRecord(`S${n}`)}]}`)
    }
    await writeLogFile(dir, where, 'c.json.gz', large(20_000))
    const broken = await writeLogFile(dir, where, 'd.json.gz', `${large(40_000).slice(0, -2)},]}`)
    const { scan, rows } = await scanDir({ ...bad, onBadFile: 'skip' })
    expect(scan.filesRead).toBe(33)
    expect(totalEvents(rows)).toBe(1 + 40_000 + 30)
    expect(scan.skippedFiles).toEqual([
      {
        path: broken,
        reason: `not valid JSON: unexpected byte at offset ${large(40_000).length - 1}`
      }
    ])
  })

  it('stops when the run is cancelled', async () => {
    const cancel = new AbortController()
    cancel.abort(new Error('Cancelled by SIGTERM'))
    await expect(
      scanDir(plan(DAY_1, 'event-time', true), { signal: cancel.signal })
    ).rejects.toThrow('Cancelled by SIGTERM')
  })
})
