import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  startFaultProxy,
  type FaultProxy,
  type FaultProxyOptions
} from '../__fixtures__/fault-proxy.js'
import { localPlan, scanDir, type LocalScan } from '../__fixtures__/local-scan.js'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { createAwsClients } from '../src/run/aws.js'
import { startMoto, type Moto } from '../__fixtures__/moto.js'
import { generateSampleBucket } from '../scripts/generator/bucket.js'
import type { LocalEngineSettings } from '../src/engine/local/scan.js'
import { buildReports, reportFiles } from '../src/reports/index.js'
import { folderDays } from '../src/inputs/window.js'

const BUCKET = 'trail-logs'
const ACCOUNTS = ['111122223333']
const REGIONS = ['eu-west-1', 'us-east-1']
const LAYOUT = { bucket: BUCKET, prefix: '', organizationId: '' }
const WINDOW = { start: '2026-11-01', end: '2026-11-01' }
/** Instant, and no jitter: a retry's log line is exact. */
const NO_WAIT = { sleep: async () => undefined, random: () => 0 }

let moto: Moto
let root: string
let keys: string[]
let baseline: LocalScan
let proxy: FaultProxy | undefined

/**
 * The S3 client as `createAwsClients` makes it (the SDK retries throttling, 5xx and resets, each
 * retry logged to `log`), but at `endpoint`; without jitter unless `wait`.
 */
function s3Client(endpoint: string, log: RecordingLog, wait = false): S3Client {
  return createAwsClients({
    log,
    customEndpoint: true,
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    ...(wait ? {} : { random: () => 0 })
  }).s3
}

/**
 * Both days' folders and every record: with dedupe off, a file read twice, or partly read then
 * read again, shows in the counts.
 */
function plan(overrides: Partial<LocalEngineSettings> = {}): LocalEngineSettings {
  return localPlan('', {
    layout: LAYOUT,
    accounts: ACCOUNTS,
    regions: REGIONS,
    window: WINDOW,
    folderDays: folderDays(WINDOW, 'event-time'),
    dedupe: false,
    ...overrides
  })
}

interface Through {
  /** Real retry waits with jitter, as in a run; none by default. */
  readonly wait?: boolean
  readonly plan?: LocalEngineSettings
}

async function scanThrough(
  faults: Partial<FaultProxyOptions>,
  options: Through = {}
): Promise<LocalScan> {
  proxy = await startFaultProxy({ target: moto.endpoint, seed: 0, rate: 0, ...faults })
  const log = recordingLog()
  const s3 = s3Client(proxy.endpoint, log, options.wait === true)
  try {
    return await scanDir(options.plan ?? plan(), {
      s3,
      log,
      ...(options.wait === true ? {} : NO_WAIT)
    })
  } finally {
    s3.destroy()
  }
}

function isGetObject(request: string): boolean {
  return request.startsWith('GET ') && request.includes('x-id=GetObject')
}

async function reportText(scan: LocalScan): Promise<Record<string, string>> {
  return reportFiles(
    await buildReports(
      (async function* () {
        yield* scan.rows
      })()
    )
  )
}

beforeAll(async () => {
  moto = await startMoto()
  root = await mkdtemp(join(tmpdir(), 'local-faults-'))
  await generateSampleBucket(root, {
    seed: 23,
    accounts: ACCOUNTS,
    regions: REGIONS,
    days: ['2026-11-01'],
    filesPerDay: 24,
    recordsPerFile: 30
  })
  const direct = s3Client(moto.endpoint, recordingLog())
  await direct.send(new CreateBucketCommand({ Bucket: BUCKET }))
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  keys = []
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const path = join(entry.parentPath, entry.name)
    const key = path.slice(root.length + 1)
    keys.push(key)
    await direct.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: await readFile(path) })
    )
  }
  baseline = await scanDir(plan(), { s3: direct })
  direct.destroy()
})

afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

afterAll(async () => {
  await moto?.stop()
  await rm(root, { recursive: true, force: true })
})

/** The log files the scan reads: those of the two day folders, not digests or Insights. */
function logKeys(): string[] {
  return keys.filter((key) => key.includes('/CloudTrail/') && key.endsWith('.json.gz')).sort()
}

/** The s3:// URLs of the four day folders the plan lists. */
function folderUrls(): string[] {
  return REGIONS.flatMap((region) =>
    ['01', '02'].map(
      (day) => `s3://${BUCKET}/AWSLogs/${ACCOUNTS[0]}/CloudTrail/${region}/2026/11/${day}/`
    )
  )
}

async function objectSize(key: string): Promise<number> {
  return (await readFile(join(root, key))).length
}

describe('local engine reading S3 through faults', () => {
  it('reads the sample bucket without faults', async () => {
    expect(baseline.scan.filesRead).toBe(logKeys().length)
    expect(baseline.scan.bytesRead).toBe(
      (await Promise.all(logKeys().map(objectSize))).reduce((sum, size) => sum + size, 0)
    )
    expect(baseline.rows.length).toBeGreaterThan(100)
  })

  // The proxy's draws depend only on the seed and the requests, so this seed gives the same
  // faults on every run, each kind at least once.
  it('gives the same aggregate and report with 20% of requests failing, every fault included', async () => {
    const faulted = await scanThrough({ seed: 5, rate: 0.2, slowMs: 50 }, { wait: true })
    expect(faulted.rows).toEqual(baseline.rows)
    expect(faulted.scan.filesRead).toBe(baseline.scan.filesRead)
    expect(faulted.scan.bytesRead).toBe(baseline.scan.bytesRead)
    expect(await reportText(faulted)).toEqual(await reportText(baseline))

    expect(proxy?.counts()).toEqual({
      requests: 66,
      'internal-error': 3,
      'slow-down': 1,
      throttling: 2,
      'reset-before-headers': 2,
      'reset-after-headers': 1,
      'reset-mid-body': 3,
      slow: 2
    })
  })

  it.each([
    ['reset-mid-body', (size: number) => Math.floor(size / 2)],
    ['reset-after-headers', () => 0]
  ] as const)(
    'fetches an object again, whole, when its body breaks off (%s), and counts it once',
    async (fault, received) => {
      const faulted = await scanThrough({
        schedule: (request, nth) => (isGetObject(request) && nth === 0 ? fault : undefined)
      })
      expect(faulted.rows).toEqual(baseline.rows)
      expect(faulted.scan.filesRead).toBe(logKeys().length)
      const expected = await Promise.all(
        logKeys().map(async (key) => {
          const size = await objectSize(key)
          return `Reading s3://${BUCKET}/${key} was cut off after ${received(size).toLocaleString('en-US')} of ${size.toLocaleString('en-US')} bytes (ECONNRESET: aborted); retry 1 of 3 in 0 ms`
        })
      )
      expect([...faulted.log.warnings].sort()).toEqual(expected.sort())
      expect(proxy?.counts()).toMatchObject({
        requests: folderUrls().length + 2 * logKeys().length,
        [fault]: logKeys().length
      })
    }
  )

  it.each([
    ['internal-error', 'failed with HTTP 500 (InternalError)'],
    ['slow-down', 'was throttled (HTTP 503, SlowDown)'],
    ['throttling', 'was throttled (HTTP 429, Throttling)'],
    ['reset-before-headers', 'lost its connection (ECONNRESET: socket hang up)']
  ] as const)(
    'leaves %s to the SDK, which sends the request again once, logged: one retry layer',
    async (fault, reason) => {
      const faulted = await scanThrough({ schedule: (_, nth) => (nth === 0 ? fault : undefined) })
      expect(faulted.rows).toEqual(baseline.rows)
      expect([...faulted.log.warnings].sort()).toEqual(
        [
          ...folderUrls().map(() => `S3 ListObjectsV2 ${reason}; retry 1 of 5 in 0 ms`),
          ...logKeys().map(() => `S3 GetObject ${reason}; retry 1 of 5 in 0 ms`)
        ].sort()
      )
      expect(proxy?.counts().requests).toBe(2 * (folderUrls().length + logKeys().length))
    }
  )

  it.each(['fail', 'skip'] as const)(
    'with on-bad-file %s, fails naming the object when every try breaks off, after 4 tries',
    async (onBadFile) => {
      const [key = ''] = logKeys()
      const size = await objectSize(key)
      await expect(
        scanThrough(
          {
            schedule: (request) =>
              isGetObject(request) && request.includes(key) ? 'reset-mid-body' : undefined
          },
          { plan: plan({ onBadFile }) }
        )
      ).rejects.toThrow(
        `Cannot read the log file s3://${BUCKET}/${key}: was cut off after ${Math.floor(size / 2).toLocaleString('en-US')} of ${size.toLocaleString('en-US')} bytes (ECONNRESET: aborted)`
      )
      expect(proxy?.counts()['reset-mid-body']).toBe(4)
    }
  )
})
