import { GetQueryExecutionCommand } from '@aws-sdk/client-athena'
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  athenaError,
  startHttpStub,
  type HttpStub,
  type StubResponse
} from '../__fixtures__/http-stub.js'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { runQuery } from '../src/engine/athena/query.js'
import { createAwsClients, type AwsClients } from '../src/run/aws.js'
import { withRetry, type RetryOptions } from '../src/run/retry.js'
import { LoggedRetryStrategy } from '../src/run/sdk-retry.js'

let log: RecordingLog
let sleeps: number[]
let stub: HttpStub | undefined

beforeEach(() => {
  log = recordingLog()
  sleeps = []
})

afterEach(async () => {
  await stub?.stop()
  stub = undefined
})

function options(overrides: Partial<RetryOptions> = {}): RetryOptions {
  return {
    log,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    retryable: (error) => (error instanceof CutOff ? 'was cut off' : undefined),
    ...overrides
  }
}

class CutOff extends Error {}

/** An error as the SDK raises it: a name, and the HTTP status in `$metadata`. */
function awsError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from AWS`), { name, $metadata: { httpStatusCode } })
}

/** Work that fails with `errors`, in order, then returns 'done'; it counts its calls. */
function failing(...errors: unknown[]): { work: () => Promise<string>; calls: () => number } {
  let calls = 0
  return {
    work: async () => {
      const error = errors[calls++]
      if (error !== undefined) throw error
      return 'done'
    },
    calls: () => calls
  }
}

/** Clients as the action makes them, sending to the stub, retrying at once (no jitter). */
function clientsAt(endpoint: string): AwsClients {
  return createAwsClients({
    log,
    customEndpoint: true,
    random: () => 0,
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  })
}

describe("the project's own retry (withRetry)", () => {
  it('tries again what the caller calls transient, with the retry logged', async () => {
    const { work, calls } = failing(new CutOff())

    await expect(withRetry('Reading s3://b/k', work, options())).resolves.toBe('done')

    expect(calls()).toBe(2)
    expect(log.warnings).toEqual(['Reading s3://b/k was cut off; retry 1 of 3 in 500 ms'])
  })

  it('leaves throttling and server errors to the SDK: one try, no second layer', async () => {
    for (const error of [awsError('ThrottlingException', 400), awsError('InternalError', 500)]) {
      const { work, calls } = failing(error)

      await expect(withRetry('Reading s3://b/k', work, options())).rejects.toBe(error)

      expect(calls()).toBe(1)
    }
    expect(log.warnings).toEqual([])
  })

  it('waits a random share of an exponentially growing cap, and gives up after 4 tries', async () => {
    const last = new CutOff('fourth')
    const { work, calls } = failing(new CutOff(), new CutOff(), new CutOff(), last)

    await expect(withRetry('Reading', work, options({ random: () => 0.999 }))).rejects.toBe(last)

    expect(calls()).toBe(4)
    // The caps are 1 s, 2 s and 4 s; the wait is random × cap, rounded down.
    expect(sleeps).toEqual([999, 1998, 3996])
  })

  it('stops waiting when the run is cancelled during the pause', async () => {
    const cancel = new AbortController()
    const { work, calls } = failing(new CutOff())
    const sleep = async (_ms: number, signal?: AbortSignal): Promise<void> => {
      cancel.abort(new Error('Cancelled by SIGINT'))
      signal?.throwIfAborted()
    }

    await expect(
      withRetry('Reading', work, options({ sleep, signal: cancel.signal }))
    ).rejects.toThrow('Cancelled by SIGINT')

    expect(calls()).toBe(1)
  })
})

describe("the SDK's retry strategy (the one layer for throttling and server errors)", () => {
  it('gives up on a StartQueryExecution that fails with HTTP 500 every time after 6 requests, naming the call and the last error', async () => {
    stub = await startHttpStub(() =>
      athenaError(500, 'InternalServerException', 'We encountered an internal error.')
    )
    const { athena } = clientsAt(stub.endpoint)

    await expect(
      runQuery('SELECT 1', athenaPlan(), { athena, log, signal: new AbortController().signal })
    ).rejects.toThrow(
      'Athena StartQueryExecution failed after 6 attempts: InternalServerException: We encountered an internal error'
    )

    expect(stub.requests).toHaveLength(6)
    // Every request carries the same client request token: no retry can start a second query.
    const tokens = stub.requests.map((request) => JSON.parse(request.body).ClientRequestToken)
    expect(new Set(tokens).size).toBe(1)
    expect(log.warnings).toEqual(
      [1, 2, 3, 4, 5].map(
        (n) =>
          `Athena StartQueryExecution failed with HTTP 500 (InternalServerException); retry ${n} of 5 in 0 ms`
      )
    )
  })

  it('retries a throttled call and says so, then goes on', async () => {
    stub = await startHttpStub((_request, nth) =>
      nth === 0
        ? athenaError(400, 'TooManyRequestsException', 'Rate exceeded')
        : {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({ QueryExecution: { QueryExecutionId: 'q-1' } })
          }
    )
    const { athena } = clientsAt(stub.endpoint)

    const answer = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: 'q-1' }))

    expect(answer.QueryExecution?.QueryExecutionId).toBe('q-1')
    expect(stub.requests).toHaveLength(2)
    expect(log.warnings).toEqual([
      'Athena GetQueryExecution was throttled (HTTP 400, TooManyRequestsException); retry 1 of 5 in 0 ms'
    ])
  })

  it('does not retry an error of the request itself', async () => {
    stub = await startHttpStub(() =>
      athenaError(400, 'InvalidRequestException', 'Query has not yet finished')
    )
    const { athena } = clientsAt(stub.endpoint)

    await expect(
      athena.send(new GetQueryExecutionCommand({ QueryExecutionId: 'q-1' }))
    ).rejects.toThrow('Query has not yet finished')

    expect(stub.requests).toHaveLength(1)
    expect(log.warnings).toEqual([])
  })

  it('makes the EC2 client once, on first use', async () => {
    const clients = createAwsClients({ log, customEndpoint: false, region: 'eu-west-1' })

    expect(await clients.ec2()).toBe(await clients.ec2())
  })

  it('logs EC2 and S3 retries by call too', async () => {
    stub = await startHttpStub(() => ({ status: 503, body: '' }))
    const clients = clientsAt(stub.endpoint)
    const [ec2, s3] = [await clients.ec2(), clients.s3]

    await expect(ec2.send(new DescribeRegionsCommand({ AllRegions: true }))).rejects.toThrow()
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'trail-logs' }))).rejects.toThrow()

    expect(stub.requests).toHaveLength(12)
    expect(log.warnings[0]).toMatch(
      /^EC2 DescribeRegions failed with HTTP 503 \(.+\); retry 1 of 5 in 0 ms$/
    )
    expect(log.warnings[5]).toMatch(
      /^S3 ListObjectsV2 failed with HTTP 503 \(.+\); retry 1 of 5 in 0 ms$/
    )
  })

  it('is the strategy of every client, at 6 attempts a call', async () => {
    const clients = createAwsClients({ log, customEndpoint: false, region: 'eu-west-1' })

    for (const client of [clients.athena, await clients.ec2(), clients.s3]) {
      expect(await client.config.retryStrategy()).toBeInstanceOf(LoggedRetryStrategy)
      expect(await client.config.maxAttempts()).toBe(6)
    }
  })
})

describe('the S3 client', () => {
  it('follows a bucket in another region: PermanentRedirect, then the same request signed for that region', async () => {
    stub = await startHttpStub((_request, nth): StubResponse =>
      nth === 0
        ? {
            status: 301,
            headers: { 'content-type': 'application/xml', 'x-amz-bucket-region': 'ap-southeast-2' },
            body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>'
          }
        : {
            status: 200,
            headers: { 'content-type': 'application/xml' },
            body: '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>trail-logs</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>'
          }
    )
    const { s3 } = clientsAt(stub.endpoint)

    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'trail-logs' }))

    expect(page.KeyCount).toBe(0)
    const scopes = stub.requests.map(
      (request) =>
        /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/s3\//.exec(
          String(request.headers.authorization)
        )?.[1]
    )
    expect(scopes).toEqual(['eu-west-1', 'ap-southeast-2'])
  })
})
