import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { dayFolderKey, logsRootKey, type Layout } from '../../src/plan/layout.js'
import {
  applyOddity,
  isGlobal,
  makeRecord,
  ODDITIES,
  pickTemplate,
  auditRecords,
  type JsonObject
} from './events.js'
import { detectionRecords } from './detections.js'
import { Random } from './random.js'

const gzipAsync = promisify(gzip)

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

/** What to generate: a bucket-like tree of CloudTrail log files. */
export interface SampleOptions {
  readonly seed: number
  readonly accounts: readonly string[]
  readonly regions: readonly string[]
  /** The UTC days whose events are generated; late deliveries spill into the folder of the next. */
  readonly days: readonly string[]
  readonly prefix?: string
  readonly organizationId?: string
  /** Delivery files per account, region and day. */
  readonly filesPerDay: number
  /** The mean number of records in a delivery file. */
  readonly recordsPerFile: number
}

/** Simple facts about what was written, for sanity checks (not an expected aggregate). */
export interface SampleFacts {
  /** `.json.gz` files under `CloudTrail/`, empty deliveries and duplicate deliveries included. */
  readonly logFiles: number
  readonly emptyFiles: number
  /** Records in those files, duplicates included. */
  readonly records: number
  /** Records delivered a second time, by a second trail, with the same `eventID`. */
  readonly duplicateRecords: number
  /** Records by the UTC date of their `eventTime` (those with one), duplicates included. */
  readonly recordsByEventDay: Readonly<Record<string, number>>
  /** Records by the day of the folder they were delivered to, duplicates included. */
  readonly recordsByFolderDay: Readonly<Record<string, number>>
  /** Records delivered to the folder of a day after their event's: late deliveries. */
  readonly lateRecords: number
  /** Files under `CloudTrail-Digest/` and `CloudTrail-Insight/`, which no report reads. */
  readonly digestAndInsightFiles: number
  /** Uncompressed JSON bytes of the log files. */
  readonly jsonBytes: number
}

/** Share of us-east-1 deliveries whose global events a second trail delivers again. */
const DUPLICATE_DELIVERY_RATE = 0.2
const EMPTY_DELIVERY_RATE = 0.01
const ODDITY_RATE = 0.0005
/** Gzip jobs in flight: enough to keep libuv's pool (and both cores) busy while JSON is built. */
const WRITE_CONCURRENCY = 8

/**
 * Writes a deterministic sample bucket under `dir`: the same options give the same bytes.
 * Each delivery file holds the events of the 1 to 15 minutes before its delivery time, so the
 * file delivered just after midnight holds events of the day before, in the next day's folder, as
 * CloudTrail does.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 */
export async function generateSampleBucket(
  dir: string,
  options: SampleOptions
): Promise<SampleFacts> {
  const random = new Random(options.seed)
  const layout: Layout = {
    bucket: '',
    prefix: options.prefix ?? '',
    organizationId: options.organizationId ?? ''
  }
  const facts = {
    logFiles: 0,
    emptyFiles: 0,
    records: 0,
    duplicateRecords: 0,
    recordsByEventDay: {} as Record<string, number>,
    recordsByFolderDay: {} as Record<string, number>,
    lateRecords: 0,
    digestAndInsightFiles: 0,
    jsonBytes: 0
  }
  const writing = new Set<Promise<void>>()
  const write = async (key: string, json: string): Promise<void> => {
    while (writing.size >= WRITE_CONCURRENCY) await Promise.race(writing)
    const job = (async () => {
      const path = join(dir, key)
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, await gzipAsync(json))
    })()
    writing.add(job)
    void job.finally(() => writing.delete(job))
  }
  const writeLog = async (
    account: string,
    region: string,
    delivered: number,
    records: readonly JsonObject[]
  ): Promise<void> => {
    const json = JSON.stringify({ Records: records })
    const folderDay = new Date(delivered).toISOString().slice(0, 10)
    for (const record of records) {
      if (typeof record.eventTime !== 'string') continue
      const eventDay = record.eventTime.slice(0, 10)
      facts.recordsByEventDay[eventDay] = (facts.recordsByEventDay[eventDay] ?? 0) + 1
      if (eventDay < folderDay) facts.lateRecords++
    }
    facts.recordsByFolderDay[folderDay] =
      (facts.recordsByFolderDay[folderDay] ?? 0) + records.length
    facts.logFiles++
    facts.records += records.length
    facts.jsonBytes += Buffer.byteLength(json)
    if (records.length === 0) facts.emptyFiles++
    await write(logKey(layout, account, region, delivered, random), json)
  }

  const detectionRegion = options.regions.includes('us-east-1') ? 'us-east-1' : options.regions[0]
  // A sequence of its own, so that the rest of a sample is the same with or without them.
  const detectionRandom = new Random(options.seed + 0x5eed)
  for (const account of options.accounts) {
    for (const region of options.regions) {
      for (const day of options.days) {
        const dayStart = Date.parse(`${day}T00:00:00Z`)
        for (let file = 0; file < options.filesPerDay; file++) {
          // The day's last file is delivered a few minutes after midnight, as CloudTrail's is.
          const delivered =
            dayStart + ((file + 1) / options.filesPerDay) * DAY_MS + random.int(60, 600) * 1000
          const count = random.chance(EMPTY_DELIVERY_RATE)
            ? 0
            : random.int(1, 2 * options.recordsPerFile - 1)
          const records: JsonObject[] = []
          const global: JsonObject[] = []
          for (let i = 0; i < count; i++) {
            const context = {
              random,
              account,
              region,
              time: new Date(delivered - random.int(60, 900) * 1000)
            }
            const template = pickTemplate(random, region)
            const record = makeRecord(context, template)
            // The first files of each folder carry one of each oddity, so small samples have them.
            const oddity =
              i === 0 && file < ODDITIES.length
                ? ODDITIES[file]
                : random.chance(ODDITY_RATE)
                  ? random.pick(ODDITIES)
                  : undefined
            if (oddity !== undefined) applyOddity(record, oddity, context)
            records.push(record)
            if (isGlobal(template)) global.push(record)
          }
          // Each region's first delivery of the day has an event for every CIS rule; one region's
          // (us-east-1's, where global services log, when it is read) also the cases of every
          // other built-in rule: its matches and near misses.
          if (file === 0) {
            const context = { random, account, region, time: new Date(delivered - 300_000) }
            records.push(...auditRecords(context))
            if (region === detectionRegion) {
              records.push(...detectionRecords({ ...context, random: detectionRandom }))
            }
          }
          await writeLog(account, region, delivered, records)
          if (global.length > 0 && random.chance(DUPLICATE_DELIVERY_RATE)) {
            const again = delivered + random.int(0, 120) * 1000
            await writeLog(account, region, again, global)
            // A record without an eventID cannot be told from a new one: it counts again.
            facts.duplicateRecords += global.filter((record) => 'eventID' in record).length
          }
        }
        await write(
          digestKey(layout, account, region, dayStart + DAY_MS - MINUTE_MS),
          JSON.stringify(digest(account, region, dayStart))
        )
        await write(
          insightKey(layout, account, region, dayStart + 12 * 60 * MINUTE_MS, random),
          JSON.stringify({ Records: [insight(account, region, dayStart, random)] })
        )
        facts.digestAndInsightFiles += 2
      }
    }
  }
  await Promise.all(writing)
  return facts
}

function compactTime(ms: number, withSeconds: boolean): string {
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${withSeconds ? iso.slice(17, 19) : ''}Z`
}

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** `…/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_RANDOM.json.gz`. */
function logKey(
  layout: Layout,
  account: string,
  region: string,
  ms: number,
  random: Random
): string {
  const day = new Date(ms).toISOString().slice(0, 10)
  return `${dayFolderKey(layout, account, region, day)}${account}_CloudTrail_${region}_${compactTime(ms, false)}_${random.string(16, NAME_ALPHABET)}.json.gz`
}

function digestKey(layout: Layout, account: string, region: string, ms: number): string {
  const day = new Date(ms).toISOString().slice(0, 10).replaceAll('-', '/')
  return `${logsRootKey(layout)}${account}/CloudTrail-Digest/${region}/${day}/${account}_CloudTrail-Digest_${region}_management_${region}_${compactTime(ms, true)}.json.gz`
}

function insightKey(
  layout: Layout,
  account: string,
  region: string,
  ms: number,
  random: Random
): string {
  const day = new Date(ms).toISOString().slice(0, 10).replaceAll('-', '/')
  return `${logsRootKey(layout)}${account}/CloudTrail-Insight/${region}/${day}/${account}_CloudTrail-Insight_${region}_${compactTime(ms, false)}_${random.string(16, NAME_ALPHABET)}.json.gz`
}

/** A digest file: not `{"Records":[...]}`, so a reader that wandered into it would fail. */
function digest(account: string, region: string, dayStart: number): JsonObject {
  return {
    awsAccountId: account,
    digestStartTime: new Date(dayStart).toISOString(),
    digestEndTime: new Date(dayStart + DAY_MS).toISOString(),
    digestS3Bucket: 'sample-bucket',
    digestS3Object: `AWSLogs/${account}/CloudTrail-Digest/${region}/digest.json.gz`,
    digestPublicKeyFingerprint: '0123456789abcdef0123456789abcdef',
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: new Date(dayStart + DAY_MS - MINUTE_MS).toISOString(),
    oldestEventTime: new Date(dayStart).toISOString(),
    previousDigestS3Bucket: null,
    previousDigestSignature: null,
    logFiles: []
  }
}

/** An Insights event: `{"Records":[...]}` like a log file, so only its folder tells it apart. */
function insight(account: string, region: string, dayStart: number, random: Random): JsonObject {
  return {
    eventVersion: '1.08',
    eventTime: new Date(dayStart + 12 * 60 * MINUTE_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    awsRegion: region,
    eventID: random.uuid(),
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: account,
    sharedEventID: random.uuid(),
    insightDetails: {
      state: 'Start',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      insightType: 'ApiCallRateInsight',
      insightContext: { statistics: { baseline: { average: 0.01 }, insight: { average: 5 } } }
    },
    eventCategory: 'Insight'
  }
}
