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
import { sleep as realSleep } from '../../run/retry.js'
import { awsCall, callFailure } from '../../run/sdk-retry.js'

/** The run's context (its signal stops the running query) and the Athena client. */
export interface QueryContext extends RunContext {
  readonly athena: AthenaClient
}

/** A query that SUCCEEDED. */
export interface CompletedQuery {
  readonly id: string
  /**
   * Where Athena wrote the result CSV: the execution's own location, which a workgroup may set or
   * enforce. `undefined` when only GetQueryResults can read the result; `readWith` says why.
   */
  readonly outputLocation: string | undefined
  /** Why the result is read with GetQueryResults, when it is. */
  readonly readWith?: string
  readonly dataScannedBytes: number
  /** Athena answered with the result of an earlier identical query (result reuse): 0 bytes scanned. */
  readonly reusedPreviousResult: boolean
}

/** How one query is run, beyond the plan. */
export interface QueryOptions {
  /**
   * Minutes an earlier identical query's result may be old and still be reused instead of
   * scanning again; 0 or absent: never. Only for SELECT statements.
   * https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html
   */
  readonly reuseMinutes?: number
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
  context: QueryContext,
  options: QueryOptions = {}
): Promise<CompletedQuery> {
  const timeout = AbortSignal.timeout(plan.queryTimeoutMs)
  const signal = AbortSignal.any([context.signal, timeout])
  const why = (): string =>
    timeout.aborted
      ? `it ran longer than query-timeout-minutes (${plan.queryTimeoutMs / 60_000})`
      : messageOf(context.signal.reason)

  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw new Error(`The Athena query was not started: ${why()}`)
    const id = await startQuery(sql, plan, context, options)
    const execution = await waitForQuery(id, context, signal, why)
    const state = execution.Status?.State
    if (state === 'SUCCEEDED') {
      const readWith = apiOnlyReason(execution)
      return {
        id,
        outputLocation:
          readWith === undefined ? execution.ResultConfiguration?.OutputLocation : undefined,
        ...(readWith === undefined ? {} : { readWith }),
        dataScannedBytes: execution.Statistics?.DataScannedInBytes ?? 0,
        reusedPreviousResult:
          execution.Statistics?.ResultReuseInformation?.ReusedPreviousResult === true
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
 * Why the result can only be read with GetQueryResults, or `undefined` when the CSV at the
 * execution's output location can be read from S3. That location is the one really used: a
 * workgroup that enforces its configuration overrides the output-location we sent.
 * https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html
 */
function apiOnlyReason(execution: QueryExecution): string | undefined {
  // Managed query results live in storage Athena owns, whatever location the execution shows.
  // https://docs.aws.amazon.com/athena/latest/ug/managed-results.html
  if (execution.ManagedQueryResultsConfiguration?.Enabled === true) {
    return 'managed by the workgroup'
  }
  // A CSE_KMS result is encrypted on the client side, by Athena: the object in S3 is ciphertext,
  // which GetQueryResults decrypts (with kms:Decrypt on the key).
  // https://docs.aws.amazon.com/athena/latest/ug/encrypting-query-results-stored-in-s3.html
  const encryption = execution.ResultConfiguration?.EncryptionConfiguration?.EncryptionOption
  if (encryption === 'CSE_KMS') return 'encrypted client-side (CSE_KMS)'
  const location = execution.ResultConfiguration?.OutputLocation
  if (location === undefined || location === '') return 'no result location reported'
  return undefined
}

async function startQuery(
  sql: string,
  plan: AthenaSettings,
  context: QueryContext,
  options: QueryOptions
): Promise<string> {
  const reuseMinutes = options.reuseMinutes ?? 0
  // The same token on a request the SDK sends again starts no second query: Athena answers with
  // the first one. https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html
  // No abort signal: a start cut off in flight may have started a query whose id we would never
  // learn, so it could not be stopped. A cancelled run stops the query once it has its id.
  let started
  try {
    started = await context.athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        ClientRequestToken: randomUUID(),
        QueryExecutionContext: { Catalog: plan.table.catalog, Database: plan.table.database },
        WorkGroup: plan.workgroup,
        // A workgroup that manages its query results refuses any OutputLocation, even an empty one.
        ResultConfiguration:
          plan.outputLocation === '' ? undefined : { OutputLocation: plan.outputLocation },
        ...(reuseMinutes > 0
          ? {
              ResultReuseConfiguration: {
                ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: reuseMinutes }
              }
            }
          : {})
      })
    )
  } catch (error) {
    const message = withoutFinalStop(callFailure('Athena StartQueryExecution', error))
    throw new Error(`${message}${hintFor(message)}`, { cause: error })
  }
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
      const { QueryExecution: execution } = await awsCall(
        'Athena GetQueryExecution',
        () =>
          context.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), {
            abortSignal: signal
          }),
        { signal, also: ` (query ${id})` }
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
    // Not the run's signal, which has aborted: a throttled stop still gets the SDK's retries.
    await context.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
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
