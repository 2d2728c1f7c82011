import {
  AthenaClient,
  GetQueryExecutionCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution
} from '@aws-sdk/client-athena'
import { mockClient } from 'aws-sdk-client-mock'
import { setTimeout as delay } from 'node:timers/promises'
import { beforeEach, describe, expect, it } from 'vitest'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { runQuery, type QueryContext } from '../src/engine/athena/query.js'

const athena = new AthenaClient({ region: 'eu-west-1' })
const athenaMock = mockClient(athena)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

let log: RecordingLog
let sleeps: number[]

function context(overrides: Partial<QueryContext> = {}): QueryContext {
  return {
    athena,
    log,
    signal: new AbortController().signal,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides
  }
}

function execution(
  id: string,
  state: string,
  extra: QueryExecution = {}
): { QueryExecution: QueryExecution } {
  return {
    QueryExecution: {
      QueryExecutionId: id,
      ...extra,
      Status: { State: state as never, ...extra.Status }
    }
  }
}

const succeeded = (id: string): { QueryExecution: QueryExecution } =>
  execution(id, 'SUCCEEDED', {
    ResultConfiguration: { OutputLocation: `s3://athena-results/cloudtrail/${id}.csv` },
    Statistics: { DataScannedInBytes: 4096 }
  })

beforeEach(() => {
  athenaMock.reset()
  log = recordingLog()
  sleeps = []
})

describe('a query', () => {
  it('starts with a fresh client request token, the table context, workgroup and result location', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(succeeded('q-1'))

    await runQuery('SELECT 1', athenaPlan(), context())

    const [start] = athenaMock.commandCalls(StartQueryExecutionCommand)
    expect(start?.args[0].input).toEqual({
      QueryString: 'SELECT 1',
      ClientRequestToken: expect.stringMatching(UUID),
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'default' },
      WorkGroup: 'primary',
      ResultConfiguration: { OutputLocation: 's3://athena-results/cloudtrail/' }
    })
  })

  it('leaves the result location to the workgroup when output-location is empty', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(succeeded('q-1'))

    await runQuery('SELECT 1', athenaPlan({ outputLocation: '' }), context())

    const [start] = athenaMock.commandCalls(StartQueryExecutionCommand)
    expect(start?.args[0].input.ResultConfiguration).toBeUndefined()
  })

  it('returns the id, the result location the execution reports and the bytes scanned', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('q-1', 'QUEUED'))
      .resolvesOnce(execution('q-1', 'RUNNING'))
      .resolves(succeeded('q-1'))

    const query = await runQuery('SELECT 1', athenaPlan(), context())

    expect(query).toEqual({
      id: 'q-1',
      outputLocation: 's3://athena-results/cloudtrail/q-1.csv',
      dataScannedBytes: 4096,
      reusedPreviousResult: false
    })
    expect(log.infos).toEqual([
      'Athena query q-1: https://eu-west-1.console.aws.amazon.com/athena/home?region=eu-west-1#/query-editor/history/q-1'
    ])
  })

  it('reports no result location when the workgroup manages query results', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'SUCCEEDED', {
        ManagedQueryResultsConfiguration: { Enabled: true },
        ResultConfiguration: {},
        Statistics: { DataScannedInBytes: 4096 }
      })
    )

    const query = await runQuery('SELECT 1', athenaPlan({ outputLocation: '' }), context())

    expect(query).toEqual({
      id: 'q-1',
      outputLocation: undefined,
      readWith: 'managed by the workgroup',
      dataScannedBytes: 4096,
      reusedPreviousResult: false
    })
  })

  it('reads a CSE_KMS result with GetQueryResults: the object in S3 is ciphertext', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'SUCCEEDED', {
        ResultConfiguration: {
          OutputLocation: 's3://athena-results/cloudtrail/q-1.csv',
          EncryptionConfiguration: {
            EncryptionOption: 'CSE_KMS',
            KmsKey: 'arn:aws:kms:eu-west-1:111122223333:key/k'
          }
        },
        Statistics: { DataScannedInBytes: 4096 }
      })
    )

    const query = await runQuery('SELECT 1', athenaPlan(), context())

    expect(query).toEqual({
      id: 'q-1',
      outputLocation: undefined,
      readWith: 'encrypted client-side (CSE_KMS)',
      dataScannedBytes: 4096,
      reusedPreviousResult: false
    })
  })

  it('reads an SSE_KMS result from S3 as usual', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'SUCCEEDED', {
        ResultConfiguration: {
          OutputLocation: 's3://athena-results/cloudtrail/q-1.csv',
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS' }
        }
      })
    )

    const query = await runQuery('SELECT 1', athenaPlan(), context())

    expect(query.outputLocation).toBe('s3://athena-results/cloudtrail/q-1.csv')
  })

  it('asks Athena to reuse a result up to the given age, and reports when it did', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'SUCCEEDED', {
        ResultConfiguration: { OutputLocation: 's3://athena-results/cloudtrail/q-0.csv' },
        Statistics: {
          DataScannedInBytes: 0,
          ResultReuseInformation: { ReusedPreviousResult: true }
        }
      })
    )

    const query = await runQuery('SELECT 1', athenaPlan(), context(), { reuseMinutes: 1440 })

    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toMatchObject({
      ResultReuseConfiguration: {
        ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 1440 }
      }
    })
    expect(query).toMatchObject({ dataScannedBytes: 0, reusedPreviousResult: true })
  })

  it('asks for no result reuse by default', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(succeeded('q-1'))

    await runQuery('SELECT 1', athenaPlan(), context())

    const [start] = athenaMock.commandCalls(StartQueryExecutionCommand)
    expect(start?.args[0].input.ResultReuseConfiguration).toBeUndefined()
  })

  it('polls fast at first, then backs off to every 3 seconds', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    const running = athenaMock.on(GetQueryExecutionCommand)
    for (let i = 0; i < 9; i++) running.resolvesOnce(execution('q-1', 'RUNNING'))
    running.resolves(succeeded('q-1'))

    await runQuery('SELECT 1', athenaPlan(), context())

    expect(sleeps).toEqual([200, 300, 450, 675, 1013, 1520, 2280, 3000, 3000, 3000])
  })
})

describe('a failed query', () => {
  it('fails with the state, the reason, the AthenaError fields and a hint', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    const reason =
      "TABLE_NOT_FOUND: line 14:8: Table 'awsdatacatalog.default.cloudtrail_report' does not exist"
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'FAILED', {
        Status: {
          StateChangeReason: reason,
          AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false, ErrorMessage: reason }
        }
      })
    )

    await expect(runQuery('SELECT 1', athenaPlan(), context())).rejects.toThrow(
      "Athena query q-1 FAILED: TABLE_NOT_FOUND: line 14:8: Table 'awsdatacatalog.default.cloudtrail_report' does not exist [AthenaError category 2 (user), type 1301, retryable false]. Hint: check the 'catalog', 'database' and 'table' inputs; the database must exist, the table is created by the action"
    )
  })

  it('points at the S3 permissions when access to the bucket is denied', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'FAILED', {
        Status: {
          StateChangeReason:
            'Permission denied on S3 path: s3://trail-logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/10.',
          AthenaError: { ErrorCategory: 2, ErrorType: 1003, Retryable: false }
        }
      })
    )

    await expect(runQuery('SELECT 1', athenaPlan(), context())).rejects.toThrow(
      'Athena query q-1 FAILED: Permission denied on S3 path: s3://trail-logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/10 [AthenaError category 2 (user), type 1003, retryable false]. Hint: the role needs s3:GetBucketLocation, s3:GetObject and s3:ListBucket on the CloudTrail bucket (and kms:Decrypt if the trail is encrypted with KMS), and s3:PutObject on the result location'
    )
  })

  it('points at the partitions when Athena names them', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'FAILED', {
        Status: {
          StateChangeReason:
            'HIVE_PARTITION_SCHEMA_MISMATCH: There is a mismatch between the table and partition schemas.',
          AthenaError: { ErrorCategory: 2, ErrorType: 1000, Retryable: false }
        }
      })
    )

    await expect(runQuery('SELECT 1', athenaPlan(), context())).rejects.toThrow(
      "Athena query q-1 FAILED: HIVE_PARTITION_SCHEMA_MISMATCH: There is a mismatch between the table and partition schemas [AthenaError category 2 (user), type 1000, retryable false]. Hint: the table's partitions do not match the bucket: check 'bucket', 'prefix', 'organization-id' and 'account' against the trail's keys (PREFIX/AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/)"
    )
  })

  it("quotes the AthenaError's own message when it differs from the state change reason", async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'FAILED', {
        Status: {
          StateChangeReason: 'Query exhausted resources at this scale factor',
          AthenaError: {
            ErrorCategory: 3,
            ErrorType: 9999,
            Retryable: false,
            ErrorMessage: 'Encountered too many errors talking to a worker node.'
          }
        }
      })
    )

    await expect(runQuery('SELECT 1', athenaPlan(), context())).rejects.toThrow(
      'Athena query q-1 FAILED: Query exhausted resources at this scale factor [AthenaError category 3 (other), type 9999, retryable false, message: Encountered too many errors talking to a worker node]'
    )
  })

  it('says a query cancelled from outside was cancelled', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('q-1', 'CANCELLED', {
        Status: { StateChangeReason: 'Query was cancelled by user' }
      })
    )

    await expect(runQuery('SELECT 1', athenaPlan(), context())).rejects.toThrow(
      'Athena query q-1 CANCELLED: Query was cancelled by user'
    )
  })

  it('is resubmitted once, with a new token, when Athena says the error is retryable', async () => {
    athenaMock
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-1' })
      .resolvesOnce({ QueryExecutionId: 'q-2' })
    athenaMock.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-1' }).resolves(
      execution('q-1', 'FAILED', {
        Status: {
          StateChangeReason:
            'Amazon Athena experienced an internal error while executing this query.',
          AthenaError: { ErrorCategory: 1, ErrorType: 401, Retryable: true }
        }
      })
    )
    athenaMock.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-2' }).resolves(succeeded('q-2'))

    const query = await runQuery('SELECT 1', athenaPlan(), context())

    expect(query.id).toBe('q-2')
    const tokens = athenaMock
      .commandCalls(StartQueryExecutionCommand)
      .map((call) => call.args[0].input.ClientRequestToken)
    expect(tokens).toHaveLength(2)
    expect(new Set(tokens).size).toBe(2)
    expect(log.warnings).toEqual([
      'Athena query q-1 FAILED: Amazon Athena experienced an internal error while executing this query [AthenaError category 1 (system), type 401, retryable true]; resubmitting it once'
    ])
  })

  it('fails when the resubmitted query fails again', async () => {
    athenaMock
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-1' })
      .resolvesOnce({ QueryExecutionId: 'q-2' })
    athenaMock
      .on(GetQueryExecutionCommand)
      .callsFake(({ QueryExecutionId }: { QueryExecutionId: string }) =>
        execution(QueryExecutionId, 'FAILED', {
          Status: {
            StateChangeReason: 'Internal error',
            AthenaError: { ErrorCategory: 1, ErrorType: 401, Retryable: true }
          }
        })
      )

    await expect(runQuery('SELECT 1', athenaPlan(), context())).rejects.toThrow(
      'Athena query q-2 FAILED: Internal error [AthenaError category 1 (system), type 401, retryable true]'
    )
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(2)
  })

  it('that cannot start for want of a result location says where to set one', async () => {
    athenaMock.on(StartQueryExecutionCommand).rejects(
      new InvalidRequestException({
        message:
          'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.',
        $metadata: { httpStatusCode: 400 }
      })
    )

    await expect(
      runQuery('SELECT 1', athenaPlan({ outputLocation: '' }), context())
    ).rejects.toThrow(
      'Athena StartQueryExecution failed: InvalidRequestException: No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input. Hint: set output-location or a workgroup result location'
    )
  })

  it('that a managed-results workgroup refuses for its output location says to leave it empty', async () => {
    // Athena's answer to an OutputLocation sent to a workgroup with managed query results.
    athenaMock.on(StartQueryExecutionCommand).rejects(
      new InvalidRequestException({
        message: 'ManagedQueryResultsConfiguration and ResultConfiguration cannot be set together.',
        $metadata: { httpStatusCode: 400 }
      })
    )

    await expect(runQuery('SELECT 1', athenaPlan(), context())).rejects.toThrow(
      'Athena StartQueryExecution failed: InvalidRequestException: ManagedQueryResultsConfiguration and ResultConfiguration cannot be set together. Hint: the workgroup manages its query results: leave output-location empty'
    )
  })
})

describe('a cancelled run', () => {
  it('stops the running query, then fails saying so', async () => {
    const cancel = new AbortController()
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('q-1', 'RUNNING'))
    athenaMock.on(StopQueryExecutionCommand).resolves({})
    const sleep = async (): Promise<void> => {
      if (sleeps.push(0) === 3) cancel.abort(new Error('Cancelled by SIGINT'))
    }

    await expect(
      runQuery('SELECT 1', athenaPlan(), context({ signal: cancel.signal, sleep }))
    ).rejects.toThrow('Athena query q-1 was stopped with StopQueryExecution: Cancelled by SIGINT')
    expect(
      athenaMock.commandCalls(StopQueryExecutionCommand).map((call) => call.args[0].input)
    ).toEqual([{ QueryExecutionId: 'q-1' }])
    expect(athenaMock.commandCalls(GetQueryExecutionCommand)).toHaveLength(2)
  })

  it('stops the query when it outlives query-timeout-minutes', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('q-1', 'RUNNING'))
    athenaMock.on(StopQueryExecutionCommand).resolves({})

    await expect(
      runQuery('SELECT 1', athenaPlan({ queryTimeoutMs: 60 }), context({ sleep: () => delay(5) }))
    ).rejects.toThrow(
      'Athena query q-1 was stopped with StopQueryExecution: it ran longer than query-timeout-minutes (0.001)'
    )
    expect(athenaMock.commandCalls(StopQueryExecutionCommand)).toHaveLength(1)
  })

  it('says so when the query could not be stopped', async () => {
    const cancel = new AbortController()
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('q-1', 'RUNNING'))
    athenaMock.on(StopQueryExecutionCommand).rejects(
      new InvalidRequestException({
        message: 'Not authorized',
        $metadata: { httpStatusCode: 400 }
      })
    )
    const sleep = async (): Promise<void> => cancel.abort(new Error('Cancelled by SIGTERM'))

    await expect(
      runQuery('SELECT 1', athenaPlan(), context({ signal: cancel.signal, sleep }))
    ).rejects.toThrow(
      'Athena query q-1 had to be stopped (Cancelled by SIGTERM) but StopQueryExecution failed: Not authorized; stop it in the Athena console'
    )
  })

  it('stops a query still queued when query-timeout-minutes passes', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' })
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('q-1', 'QUEUED'))
    athenaMock.on(StopQueryExecutionCommand).resolves({})
    // The real sleep: the timeout's signal cuts the first poll's 200 ms wait short.
    const plan = athenaPlan({ queryTimeoutMs: 60 })

    await expect(runQuery('SELECT 1', plan, context({ sleep: undefined }))).rejects.toThrow(
      'Athena query q-1 was stopped with StopQueryExecution: it ran longer than query-timeout-minutes (0.001)'
    )
    expect(athenaMock.commandCalls(GetQueryExecutionCommand)).toHaveLength(0)
    expect(athenaMock.commandCalls(StopQueryExecutionCommand)).toHaveLength(1)
  })

  it('starts no query once the run is cancelled', async () => {
    const cancel = new AbortController()
    cancel.abort(new Error('Cancelled by SIGINT'))

    await expect(
      runQuery('SELECT 1', athenaPlan(), context({ signal: cancel.signal }))
    ).rejects.toThrow('The Athena query was not started: Cancelled by SIGINT')
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
  })
})
