import type { RunContext } from '../../run/context.js'
import type { AthenaClient } from '@aws-sdk/client-athena'
import type { S3Client } from '@aws-sdk/client-s3'
import { runQuery } from './query.js'
import { resultRows } from './results.js'
import { ensureTable } from './table.js'
import { formatBytes } from '../../format.js'
import type { AthenaSettings } from '../../plan/plan.js'
import type { Scan } from '../scan.js'
import { aggregationQuery } from './sql.js'
import { checkArchivedFiles } from './archived.js'

export interface AthenaScanContext extends RunContext {
  readonly athena: AthenaClient
  readonly s3: S3Client
}

/**
 * The aggregate computed by Athena: the table made ready, one query, its result streamed (the CSV
 * from S3, or GetQueryResults pages when the workgroup manages query results).
 */
export async function scanWithAthena(
  plan: AthenaSettings,
  context: AthenaScanContext
): Promise<Scan> {
  // First: a query too long for Athena (too many rules) fails before any table work.
  const sql = aggregationQuery(plan)
  const { database, table } = plan.table
  await context.log.group(`Athena table ${database}.${table}`, () => ensureTable(plan, context))
  const archived = plan.checkArchived ? await checkArchivedFiles(plan, context) : undefined
  const query = await context.log.group('Athena aggregation query', async () => {
    const completed = await runQuery(sql, plan, context, {
      reuseMinutes: plan.resultReuseMinutes
    })
    if (completed.reusedPreviousResult) {
      context.log.info(
        `Athena reused the result of an identical query run within the last ${plan.resultReuseMinutes} minutes (result-reuse-minutes): nothing scanned`
      )
    }
    context.log.info(
      `Athena query ${completed.id} succeeded, ${formatBytes(completed.dataScannedBytes)} scanned; result: ${completed.outputLocation ?? `${completed.readWith ?? 'not in S3'}, read with GetQueryResults`}`
    )
    return completed
  })
  return {
    rows: resultRows(query, context),
    queryExecutionId: query.id,
    dataScannedBytes: query.dataScannedBytes,
    athenaRegion: await context.athena.config.region(),
    resultReused: query.reusedPreviousResult,
    ...(archived === undefined ? {} : { archived })
  }
}
