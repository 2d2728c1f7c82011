import type { AthenaClient } from '@aws-sdk/client-athena'
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { parse } from 'csv-parse'
import { Readable } from 'node:stream'
import { AGGREGATE_COLUMNS, type Aggregate, type AggregateRow } from '../aggregate.js'
import { runQuery } from '../athena/query.js'
import { ensureTable } from '../athena/table.js'
import { formatBytes } from '../markdown.js'
import type { Log } from '../log.js'
import type { Plan } from '../plan.js'
import type { Sleep } from '../retry.js'
import type { Scan } from '../scan.js'
import { aggregationQuery } from '../sql.js'

export interface AthenaScanContext {
  readonly athena: AthenaClient
  readonly s3: S3Client
  readonly log: Log
  readonly signal: AbortSignal
  readonly sleep?: Sleep
  readonly random?: () => number
}

/** The aggregate computed by Athena: the table made ready, one query, its CSV streamed from S3. */
export async function scanWithAthena(plan: Plan, context: AthenaScanContext): Promise<Scan> {
  const { database, table } = plan.table
  await context.log.group(`Athena table ${database}.${table}`, () => ensureTable(plan, context))
  const query = await context.log.group('Athena aggregation query', async () => {
    const completed = await runQuery(aggregationQuery(plan), plan, context)
    context.log.info(
      `Athena query ${completed.id} succeeded, ${formatBytes(completed.dataScannedBytes)} scanned; result: ${completed.outputLocation ?? 'none in S3'}`
    )
    return completed
  })
  if (query.outputLocation === undefined) {
    throw new Error(
      `Athena query ${query.id} succeeded but its execution names no S3 result location, which ` +
        'this action reads results from: use a workgroup that writes query results to S3'
    )
  }
  return {
    rows: resultRows(query.id, query.outputLocation, context),
    queryExecutionId: query.id,
    dataScannedBytes: query.dataScannedBytes,
    athenaRegion: await context.athena.config.region()
  }
}

/**
 * The result CSV, row by row as it arrives from S3: memory stays flat whatever its size. Athena
 * double-quotes every value and writes NULL as an empty field.
 * https://docs.aws.amazon.com/athena/latest/ug/querying.html
 */
async function* resultRows(
  queryId: string,
  location: string,
  context: AthenaScanContext
): Aggregate {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)
  if (match === null) {
    throw new Error(
      `Athena query ${queryId} reports the result location ${location}, not s3://BUCKET/KEY`
    )
  }
  const [, bucket = '', key = ''] = match
  const { Body } = await context.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
    abortSignal: context.signal
  })
  if (!(Body instanceof Readable)) {
    throw new Error(
      `The result of Athena query ${queryId} (${location}) came without a readable body`
    )
  }
  const parser = parse()
  Body.once('error', (error) => parser.destroy(error))
  Body.pipe(parser)
  let line = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++
      if (line === 1) {
        if (record.join(',') !== AGGREGATE_COLUMNS.join(',')) {
          throw new Error(
            `The result of Athena query ${queryId} (${location}) has the columns ${record.join(', ')}; expected ${AGGREGATE_COLUMNS.join(', ')}`
          )
        }
        continue
      }
      yield toRow(
        record,
        () => `line ${line} of the result of Athena query ${queryId} (${location})`
      )
    }
  } finally {
    Body.destroy()
  }
  if (line === 0) {
    throw new Error(
      `The result of Athena query ${queryId} (${location}) is empty: it lacks even its header`
    )
  }
}

function toRow(record: readonly string[], where: () => string): AggregateRow {
  // The parser rejects a record whose field count differs from the header's.
  const [
    account = '',
    region = '',
    eventsource = '',
    eventname = '',
    eventdate = '',
    errorcode = '',
    identitytype = '',
    principal = '',
    flag = '',
    events = ''
  ] = record
  if (!/^\d+$/.test(events)) {
    throw new Error(`${where()}: events is ${JSON.stringify(events)}, not a whole number`)
  }
  return {
    account,
    region,
    eventsource,
    eventname,
    eventdate,
    errorcode,
    identitytype,
    principal,
    flag,
    events: Number(events)
  }
}
