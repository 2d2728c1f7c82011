import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetTableMetadataCommand,
  StartQueryExecutionCommand
} from '@aws-sdk/client-athena'
import { GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { recordingLog } from '../__fixtures__/log.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { testRule } from '../__fixtures__/rule.js'
import type { Aggregate } from '../src/engine/aggregate.js'
import { scanWithAthena } from '../src/engine/athena/scan.js'
import { buildReports } from '../src/reports/index.js'
import { projectionProperties } from '../src/engine/athena/sql.js'

const ROWS = 1_000_000
const SAMPLE_EVERY = 50_000
const MIB = 1024 * 1024

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2']
const CALLS = [
  ['s3.amazonaws.com', 'GetObject'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['iam.amazonaws.com', 'CreateAccessKey'],
  ['kms.amazonaws.com', 'Decrypt'],
  ['lambda.amazonaws.com', 'Invoke'],
  ['logs.amazonaws.com', 'PutLogEvents']
] as const
const PRINCIPALS = ['role/reader', 'role/deployer', 'user/ci'].map(
  (name) => `arn:aws:iam::111122223333:${name}`
)

const HEADER =
  '"account","region","eventsource","eventname","eventdate","errorcode","identitytype","principal","actor","rules","events","records","first","last","evidence"\n'

/** Found by every 13th row, each with its evidence. */
const RULE = testRule('denied-burst')

/** Row `i` of the result, quoted as Athena writes it; its `events` and `records` are `i % 7 + 1`. */
function line(i: number): string {
  const [source, name] = CALLS[i % CALLS.length] ?? CALLS[0]
  const region = REGIONS[i % REGIONS.length] ?? ''
  const principal = PRINCIPALS[i % PRINCIPALS.length] ?? ''
  const errorcode = i % 11 === 0 ? '"AccessDenied"' : ''
  const events = `"${(i % 7) + 1}","${(i % 7) + 1}"`
  const time = `2024-03-10T${String(i % 24).padStart(2, '0')}:00:00Z`
  const evidence = JSON.stringify([[time, `e-${i}`, '203.0.113.7', 'aws-cli/2.15.0', '', '{}']])
  const found =
    i % 13 === 0
      ? `"${RULE.key}",${events},"${time}","${time}","${evidence.replaceAll('"', '""')}"`
      : `"",${events},"","",`
  return `"111122223333","${region}","${source}","${name}","2024-03-10",${errorcode},"AssumedRole","${principal}","session-${i % 5}",${found}\n`
}

/** The result CSV, made as S3 would send it: a chunk at a time, never all of it in memory. */
function generatedResult(): Readable {
  let next = 0
  return new Readable({
    read() {
      if (next === 0) this.push(HEADER)
      const end = Math.min(next + 1000, ROWS)
      let chunk = ''
      for (; next < end; next++) chunk += line(next)
      this.push(chunk === '' ? null : chunk)
    }
  })
}

/** `gc()`, which vitest does not expose: turned on at run time, fetched from a fresh context. */
function collector(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

describe('a result of 1,000,000 aggregate rows', () => {
  it('is reported streaming, with a heap that does not grow with the rows read', async ({
    annotate
  }) => {
    const athena = new AthenaClient({ region: 'eu-west-1' })
    const s3 = new S3Client({ region: 'eu-west-1' })
    mockClient(athena)
      .on(StartQueryExecutionCommand)
      .resolves({ QueryExecutionId: 'q-large' })
      .on(GetQueryExecutionCommand)
      .resolves({
        QueryExecution: {
          QueryExecutionId: 'q-large',
          Status: { State: 'SUCCEEDED' },
          ResultConfiguration: { OutputLocation: 's3://athena-results/q-large.csv' }
        }
      })
      .on(GetTableMetadataCommand)
      .resolves({
        TableMetadata: {
          Name: 'cloudtrail_report',
          Parameters: {
            'cloudtrail-athena-report.managed': 'true',
            'cloudtrail-athena-report.schema-version': '1',
            ...projectionProperties({ bucket: 'trail-logs', prefix: '', organizationId: '' })
          }
        }
      })
    mockClient(s3)
      .on(GetObjectCommand)
      // The SDK's Node body is a Readable; nothing else of it is used.
      .callsFake(() => ({ Body: generatedResult() as unknown as GetObjectCommandOutput['Body'] }))
    const gc = collector()

    const scan = await scanWithAthena(athenaPlan(), {
      athena,
      s3,
      log: recordingLog(),
      signal: new AbortController().signal,
      sleep: async () => undefined
    })
    gc()
    const baseline = process.memoryUsage()
    /** Live heap (after a collection) above the baseline, every SAMPLE_EVERY rows. */
    const live: number[] = []
    let peakRss = baseline.rss
    let rows = 0
    async function* measured(aggregate: Aggregate): Aggregate {
      for await (const row of aggregate) {
        if (++rows % SAMPLE_EVERY === 0) {
          gc()
          const usage = process.memoryUsage()
          live.push(usage.heapUsed - baseline.heapUsed)
          peakRss = Math.max(peakRss, usage.rss)
        }
        yield row
      }
    }

    const reports = await buildReports(measured(scan.rows), { rules: [RULE], evidenceLimit: 100 })

    expect(rows).toBe(ROWS)
    // Σ (i % 7 + 1) over 0..999,999: 142,857 full cycles of 1..7 (28 each), then 1.
    expect(reports.totalEvents).toBe(142_857 * 28 + 1)
    expect(reports.regions.map(({ key }) => key[0]).sort()).toEqual([...REGIONS].sort())
    expect(reports.principals).toHaveLength(PRINCIPALS.length)
    expect(reports.findings[0]?.listed).toHaveLength(100)
    expect(live).toHaveLength(ROWS / SAMPLE_EVERY)

    // Holding the rows would take hundreds of MiB (a row object is well over 100 bytes); streaming
    // keeps the live heap within the parser's buffers and the reports' few keys, whatever the count.
    const peak = Math.max(...live)
    const growthAfterFirstSample = (live.at(-1) ?? 0) - (live[0] ?? 0)
    expect(peak).toBeLessThan(16 * MIB)
    expect(growthAfterFirstSample).toBeLessThan(2 * MIB)
    // The figure the README quotes; reporters show it with the test (GitHub Actions as a notice).
    await annotate(
      `1,000,000 aggregate rows: live heap peak ${(peak / MIB).toFixed(2)} MiB above the baseline, ` +
        `${(growthAfterFirstSample / MIB).toFixed(2)} MiB from row ${SAMPLE_EVERY} to row ${ROWS}; ` +
        `RSS peak ${((peakRss - baseline.rss) / MIB).toFixed(1)} MiB above the baseline`
    )
    // A million rows take 10 to 20 s alone; on a 2-core runner shared with other test files,
    // several times that.
  }, 180_000)
})
