import type { RunContext } from '../../run/context.js'
import { GetQueryResultsCommand, type AthenaClient } from '@aws-sdk/client-athena'
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { parse } from 'csv-parse'
import { Readable } from 'node:stream'
import { aggregateRow, AGGREGATE_COLUMNS, type Aggregate } from '../aggregate.js'
import { awsCall } from '../../run/sdk-retry.js'
import type { CompletedQuery } from './query.js'

export interface ResultContext extends RunContext {
  readonly athena: AthenaClient
  readonly s3: S3Client
}

/**
 * The aggregation's rows as they arrive, so memory stays flat whatever the result's size: the
 * result CSV from S3 when the execution names one, else (managed query results) the pages of
 * GetQueryResults, one at a time.
 */
export async function* resultRows(query: CompletedQuery, context: ResultContext): Aggregate {
  try {
    yield* query.outputLocation === undefined
      ? pagedRows(query.id, context)
      : csvRows(query.id, query.outputLocation, context)
  } catch (error) {
    // Cancelled while reading: the query is over, there is nothing to stop, only a run to end.
    if (!context.signal.aborted) throw error
    const reason = context.signal.reason as unknown
    throw new Error(
      `Stopped reading the result of Athena query ${query.id}: ${reason instanceof Error ? reason.message : String(reason)}`,
      { cause: error }
    )
  }
}

/**
 * Athena double-quotes every value of the result CSV and writes NULL as an empty field.
 * https://docs.aws.amazon.com/athena/latest/ug/querying.html
 */
async function* csvRows(queryId: string, location: string, context: ResultContext): Aggregate {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)
  if (match === null) {
    throw new Error(
      `Athena query ${queryId} reports the result location ${location}, not s3://BUCKET/KEY`
    )
  }
  const [, bucket = '', key = ''] = match
  context.signal.throwIfAborted()
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
  // A cancelled run must not wait on a body that stalls: destroying it ends the parse at once.
  const abort = (): void => void Body.destroy(new Error('The run was cancelled'))
  context.signal.addEventListener('abort', abort, { once: true })
  const where = resultOf(queryId, location)
  let line = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      context.signal.throwIfAborted()
      line++
      if (line === 1) checkHeader(record, where)
      else yield aggregateRow(record, () => `line ${line} of ${lowerFirst(where)}`)
    }
  } finally {
    context.signal.removeEventListener('abort', abort)
    Body.destroy()
  }
  if (line === 0) throw new Error(`${where} is empty: it lacks even its header`)
}

/**
 * GetQueryResults' largest page.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */
const PAGE_ROWS = 1000

/**
 * The result read through the API, which is the only way to managed query results: they live in
 * storage Athena owns. https://docs.aws.amazon.com/athena/latest/ug/managed-results.html
 * The next page is asked for only once the rows of this one are consumed. For a SELECT, the first
 * row of the first page holds the column names; NULL comes as a datum without `VarCharValue`.
 */
async function* pagedRows(queryId: string, context: ResultContext): Aggregate {
  const where = resultOf(queryId, 'GetQueryResults')
  let row = 0
  for await (const cells of resultPages(queryId, context)) {
    row++
    if (row === 1) checkHeader(cells, where)
    else yield aggregateRow(cells, () => `row ${row} of ${lowerFirst(where)}`)
  }
  if (row === 0) throw new Error(`${where} is empty: it lacks even its header`)
}

/**
 * The cells of every row of a query's result, read with GetQueryResults page by page, the next
 * page asked for only once the rows of the one before are consumed, and none once the run is
 * cancelled.
 */
async function* resultPages(
  queryId: string,
  context: Pick<ResultContext, 'athena' | 'signal'>
): AsyncGenerator<string[]> {
  let token: string | undefined
  do {
    context.signal.throwIfAborted()
    const command = new GetQueryResultsCommand({
      QueryExecutionId: queryId,
      MaxResults: PAGE_ROWS,
      NextToken: token
    })
    const page = await awsCall(
      'Athena GetQueryResults',
      () => context.athena.send(command, { abortSignal: context.signal }),
      { signal: context.signal, also: ` (query ${queryId})` }
    )
    for (const { Data = [] } of page.ResultSet?.Rows ?? []) {
      yield Data.map((datum) => datum.VarCharValue ?? '')
    }
    token = page.NextToken === '' ? undefined : page.NextToken
  } while (token !== undefined)
}

function resultOf(queryId: string, source: string): string {
  return `The result of Athena query ${queryId} (${source})`
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function checkHeader(cells: readonly string[], where: string): void {
  if (cells.join(',') !== AGGREGATE_COLUMNS.join(',')) {
    throw new Error(
      `${where} has the columns ${cells.join(', ')}; expected ${AGGREGATE_COLUMNS.join(', ')}`
    )
  }
}

/**
 * Every row of a small result as its cells, read with GetQueryResults: the way to read the
 * answer of a DDL statement such as SHOW TBLPROPERTIES, which Athena writes as text, not CSV.
 * DDL results have no header row.
 */
export async function resultCells(
  queryId: string,
  context: Pick<ResultContext, 'athena' | 'signal'>
): Promise<string[][]> {
  const rows: string[][] = []
  for await (const cells of resultPages(queryId, context)) rows.push(cells)
  return rows
}
