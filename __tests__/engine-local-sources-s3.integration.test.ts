import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localPlan, scanDir } from '../__fixtures__/local-scan.js'
import { recordingLog } from '../__fixtures__/log.js'
import { startMoto, type Moto } from '../__fixtures__/moto.js'
import { bucketSource, directorySource, type LogSource } from '../src/engine/local/sources.js'
import type { LocalEngineSettings } from '../src/engine/local/scan.js'
import { generateSampleBucket } from '../scripts/generator/bucket.js'
import { folderDays } from '../src/inputs/window.js'

const BUCKET = 'trail-logs'
const ACCOUNTS = ['111122223333']
const REGIONS = ['eu-west-1', 'us-east-1']
const LAYOUT = { bucket: BUCKET, prefix: 'org-trail', organizationId: 'o-abc123def456' }
const WINDOW = { start: '2026-11-01', end: '2026-11-01' }

let moto: Moto
let root: string
let s3: S3Client

beforeAll(async () => {
  moto = await startMoto()
  root = await mkdtemp(join(tmpdir(), 'engine-local-s3-'))
  await generateSampleBucket(root, {
    seed: 11,
    accounts: ACCOUNTS,
    regions: REGIONS,
    days: ['2026-11-01'],
    filesPerDay: 10,
    recordsPerFile: 15,
    prefix: LAYOUT.prefix,
    organizationId: LAYOUT.organizationId
  })
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  })
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const path = join(entry.parentPath, entry.name)
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: path.slice(root.length + 1),
        Body: await readFile(path)
      })
    )
  }
})

afterAll(async () => {
  s3?.destroy()
  await moto?.stop()
  await rm(root, { recursive: true, force: true })
})

function plan(overrides: Partial<LocalEngineSettings> = {}): LocalEngineSettings {
  return localPlan('', {
    layout: LAYOUT,
    accounts: ACCOUNTS,
    regions: REGIONS,
    window: WINDOW,
    folderDays: folderDays(WINDOW, 'event-time'),
    ...overrides
  })
}

describe('local engine reading the bucket', () => {
  it('gives the same aggregate as reading the same files from a directory', async () => {
    const fromBucket = await scanDir(plan(), { s3 })
    const fromDirectory = await scanDir(plan({ logs: { directory: root } }))
    expect(fromBucket.rows.length).toBeGreaterThan(0)
    expect(fromBucket.rows).toEqual(fromDirectory.rows)
    expect(fromBucket.scan.filesRead).toBe(fromDirectory.scan.filesRead)
  })

  it('skips archived log files without failing, counts them, and says the counts leave them out', async () => {
    const folder = `${LAYOUT.prefix}/AWSLogs/${LAYOUT.organizationId}/111122223333/CloudTrail/us-east-1/2026/11/01/`
    const keys = ['GLACIER', 'DEEP_ARCHIVE'].map((storageClass) => ({
      key: `${folder}111122223333_CloudTrail_us-east-1_20261101T2355Z_${storageClass}.json.gz`,
      storageClass: storageClass as 'GLACIER' | 'DEEP_ARCHIVE'
    }))
    const baseline = await scanDir(plan(), { s3 })
    for (const { key, storageClass } of keys) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: gzipSync('{"Records":[{"eventID":"archived","eventTime":"2026-11-01T23:50:00Z"}]}'),
          StorageClass: storageClass
        })
      )
    }
    try {
      const archived = await scanDir(plan(), { s3 })

      expect(archived.rows).toEqual(baseline.rows)
      expect(archived.scan.filesRead).toBe(baseline.scan.filesRead)
      expect(archived.scan.archived).toEqual({ files: 2, maybe: 0, complete: true })
      expect(archived.log.warnings).toEqual([
        '2 log files of the window are archived (S3 Glacier Flexible Retrieval, Deep Archive or an Intelligent-Tiering archive tier) and were not read: the counts leave out their events. Restore them to count them'
      ])
      expect(baseline.scan.archived).toEqual({ files: 0, maybe: 0, complete: true })
      expect(baseline.log.warnings).toEqual([])
    } finally {
      for (const { key } of keys) {
        await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }))
      }
    }
  })

  it('lists a day folder page by page', async () => {
    const folder = `${LAYOUT.prefix}/AWSLogs/${LAYOUT.organizationId}/111122223333/CloudTrail/us-east-1/2026/11/01/`
    const paths = async (source: LogSource) => {
      const listed: string[] = []
      for await (const file of source.list(folder, new AbortController().signal)) {
        listed.push(file.path)
      }
      return listed
    }
    const byThree = await paths(bucketSource(s3, BUCKET, { log: recordingLog(), pageSize: 3 }))
    expect(byThree.length).toBeGreaterThan(6)
    expect(byThree).toEqual(
      (await paths(directorySource(root))).map(
        (path) => `s3://${BUCKET}/${path.slice(root.length + 1)}`
      )
    )
  })

  it('names a bad object by its s3:// URL', async () => {
    const key = `${LAYOUT.prefix}/AWSLogs/${LAYOUT.organizationId}/111122223333/CloudTrail/eu-west-1/2026/11/01/bad.json.gz`
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'not gzip' }))
    await expect(scanDir(plan(), { s3 })).rejects.toThrow(
      `Cannot read the log file s3://${BUCKET}/${key}: not valid gzip: incorrect header check`
    )
    const skipped = await scanDir(plan({ onBadFile: 'skip' }), { s3 })
    expect(skipped.scan.skippedFiles).toEqual([
      { path: `s3://${BUCKET}/${key}`, reason: 'not valid gzip: incorrect header check' }
    ])
  })

  it('fails, naming the folder, when the bucket cannot be listed', async () => {
    await expect(
      scanDir(plan({ layout: { ...LAYOUT, bucket: 'no-such-bucket' } }), { s3 })
    ).rejects.toThrow(/NoSuchBucket|does not exist/)
  })
})
