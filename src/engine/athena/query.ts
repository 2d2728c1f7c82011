import type { RunContext } from '../../run/context.js'
import {
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution
} from '@aws-sdk/client-athena'
import { randomUUID } from 'node:crypto'
import type { AthenaSettings } from '../../plan/plan.js'
import { sleep as realSleep, withRetry } from '../../run/retry.js'

/** The run's context (its signal stops the running query) and the Athena client. */
export interface QueryContext extends RunContext {
  readonly athena: AthenaClient
}

/** A query that SUCCEEDED. */
export interface CompletedQuery {
  readonly id: string
  /**
   * Where Athena wrote the result CSV: the execution's own location, which a workgroup may set or
   * enforce. `undefined` when the workgroup manages query results: they are read with
   * GetQueryResults then.
   */
  readonly outputLocation: string | undefined
  readonly dataScannedBytes: number
}

/** Polling starts fast (DDL takes about a second) and slows down for long scans. */
const FIRST_POLL_MS = 200
const POLL_GROWTH = 1.5
const MAX_POLL_MS = 3_000

/** https://docs.aws.amazon.com/athena/latest/APIReference/API_AthenaError.html */
const ERROR_CATEGORIES: Readonly<Record<number, string>> = { 1: 'system', 2: 'user', 3: 'other' }

/**
 * Runs one query to its end. A query that fails with a retryable Athena error is resubmitted
 * once; a cancelled run or one past `plan.queryTimeoutMs` stops the query before failing, so no
 * query is left running (and billing) behind a failed step.
 */
export async function runQuery(
  sql: string,
  plan: AthenaSettings,
  context: QueryContext
): Promise<CompletedQuery> {
  const timeout = AbortSignal.timeout(plan.queryTimeoutMs)
  const signal = AbortSignal.any([context.signal, timeout])
  const why = (): string =>
    timeout.aborted
      ? `it ran longer than query-timeout-minutes (${plan.queryTimeoutMs / 60_000})`
      : messageOf(context.signal.reason)

  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw new Error(`The Athena query was not started: ${why()}`)
    const id = await startQuery(sql, plan, context, signal, why)
    const execution = await waitForQuery(id, context, signal, why)
    const state = execution.Status?.State
    if (state === 'SUCCEEDED') {
      return {
        id,
        outputLocation: outputLocationOf(execution),
        dataScannedBytes: execution.Statistics?.DataScannedInBytes ?? 0
      }
    }
    if (execution.Status?.AthenaError?.Retryable === true && attempt === 1) {
      context.log.warning(`${failureMessage(id, execution)}; resubmitting it once`)
      continue
    }
    throw new Error(failureMessage(id, execution))
  }
}

/**
 * The location the query really wrote to. A workgroup that enforces its configuration overrides
 * the output-location we sent, and GetQueryExecution reports the one used.
 * https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html
 * Managed query results live in storage Athena owns, which only GetQueryResults reads, whatever
 * location the execution may show.
 * https://docs.aws.amazon.com/athena/latest/ug/managed-results.html
 */
function outputLocationOf(execution: QueryExecution): string | undefined {
  if (execution.ManagedQueryResultsConfiguration?.Enabled === true) return undefined
  const location = execution.ResultConfiguration?.OutputLocation
  return location === '' ? undefined : location
}

async function startQuery(
  sql: string,
  plan: AthenaSettings,
  context: QueryContext,
  signal: AbortSignal,
  why: () => string
): Promise<string> {
  // The same token on a retried call starts no second query: Athena answers with the first one.
  // https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html
  const command = new StartQueryExecutionCommand({
    QueryString: sql,
    ClientRequestToken: randomUUID(),
    QueryExecutionContext: { Catalog: plan.table.catalog, Database: plan.table.database },
    WorkGroup: plan.workgroup,
    // A workgroup that manages its query results refuses any OutputLocation, even an empty one.
    ResultConfiguration:
      plan.outputLocation === '' ? undefined : { OutputLocation: plan.outputLocation }
  })
  const started = await withRetry(
    'Athena StartQueryExecution',
    () => context.athena.send(command),
    {
      ...context,
      signal
    }
  ).catch((error: unknown) => {
    // Cancelled while waiting to retry: Athena refused every try (throttled or a server error),
    // so there is no query id to stop.
    if (signal.aborted) throw new Error(`The Athena query was not started: ${why()}`)
    const message = withoutFinalStop(messageOf(error))
    throw new Error(`Athena could not start the query: ${message}${hintFor(message)}`, {
      cause: error
    })
  })
  const id = started.QueryExecutionId
  if (id === undefined) throw new Error('Athena StartQueryExecution returned no QueryExecutionId')
  const region = await context.athena.config.region()
  context.log.info(
    `Athena query ${id}: https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor/history/${id}`
  )
  return id
}

/** Polls until the query ends; on abort, stops it and throws. */
async function waitForQuery(
  id: string,
  context: QueryContext,
  signal: AbortSignal,
  why: () => string
): Promise<QueryExecution> {
  const wait = context.sleep ?? realSleep
  try {
    for (let ms = FIRST_POLL_MS; ; ms = Math.min(Math.round(ms * POLL_GROWTH), MAX_POLL_MS)) {
      await wait(ms, signal)
      signal.throwIfAborted()
      const { QueryExecution: execution } = await withRetry(
        'Athena GetQueryExecution',
        () => context.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
        { ...context, signal }
      )
      const state = execution?.Status?.State
      context.log.debug(`Athena query ${id}: ${state}`)
      if (execution !== undefined && state !== 'QUEUED' && state !== 'RUNNING') return execution
    }
  } catch (error) {
    if (!signal.aborted) throw error
    throw await stopQuery(id, why(), context)
  }
}

async function stopQuery(id: string, why: string, context: QueryContext): Promise<Error> {
  try {
    await withRetry(
      'Athena StopQueryExecution',
      () => context.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
      // Not the run's signal, which has aborted: a throttled stop still deserves its retries.
      { log: context.log, sleep: context.sleep, random: context.random }
    )
  } catch (error) {
    return new Error(
      `Athena query ${id} had to be stopped (${why}) but StopQueryExecution failed: ${messageOf(error)}; stop it in the Athena console`
    )
  }
  return new Error(`Athena query ${id} was stopped with StopQueryExecution: ${why}`)
}

/** The state, Athena's reason, the AthenaError fields, and a hint when the cause is a usual one. */
function failureMessage(id: string, execution: QueryExecution): string {
  const status = execution.Status
  const error = status?.AthenaError
  const reason = withoutFinalStop(status?.StateChangeReason ?? error?.ErrorMessage ?? 'no reason')
  let details = ''
  if (error !== undefined) {
    const category = error.ErrorCategory ?? 0
    const fields = [
      `category ${category} (${ERROR_CATEGORIES[category] ?? 'unknown'})`,
      `type ${error.ErrorType ?? 'unknown'}`,
      `retryable ${error.Retryable ?? false}`
    ]
    if (error.ErrorMessage !== undefined && withoutFinalStop(error.ErrorMessage) !== reason) {
      fields.push(`message: ${withoutFinalStop(error.ErrorMessage)}`)
    }
    details = ` [AthenaError ${fields.join(', ')}]`
  }
  const hint = hintFor(`${reason} ${error?.ErrorMessage ?? ''}`)
  return `Athena query ${id} ${status?.State ?? 'ended'}: ${reason}${details}${hint}`
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Athena's messages end with a `.` or not; the hint follows as a sentence of its own. */
function withoutFinalStop(text: string): string {
  return text.replace(/\.$/, '')
}

const HINTS: readonly (readonly [RegExp, string])[] = [
  [
    // Athena's answer when an OutputLocation is sent to a workgroup with managed query results.
    /ManagedQueryResultsConfiguration/,
    'the workgroup manages its query results: leave output-location empty'
  ],
  [
    /output location|outputlocation|result location/i,
    'set output-location or a workgroup result location'
  ],
  [
    /access denied|accessdenied|permission denied|not authori[sz]ed|forbidden/i,
    'the role needs s3:GetBucketLocation, s3:GetObject and s3:ListBucket on the CloudTrail bucket (and kms:Decrypt if the trail is encrypted with KMS), and s3:PutObject on the result location'
  ],
  [
    /partition/i,
    "the table's partitions do not match the bucket: check 'bucket', 'prefix', 'organization-id' and 'account' against the trail's keys (PREFIX/AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/)"
  ],
  [
    /table_not_found|schema_not_found|does not exist|not found/i,
    "check the 'catalog', 'database' and 'table' inputs; the database must exist, the table is created by the action"
  ]
]

function hintFor(text: string): string {
  const hint = HINTS.find(([pattern]) => pattern.test(text))?.[1]
  return hint === undefined ? '' : `. Hint: ${hint}`
}
