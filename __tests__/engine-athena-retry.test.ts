import { InvalidRequestException, TooManyRequestsException } from '@aws-sdk/client-athena'
import { beforeEach, describe, expect, it } from 'vitest'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { createAwsClients } from '../src/run/aws.js'
import { withRetry, type RetryOptions } from '../src/run/retry.js'

let log: RecordingLog
let sleeps: number[]

beforeEach(() => {
  log = recordingLog()
  sleeps = []
})

function options(overrides: Partial<RetryOptions> = {}): RetryOptions {
  return {
    log,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides
  }
}

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

describe('a throttled call', () => {
  it.each([
    [
      'ThrottlingException',
      awsError('ThrottlingException', 400),
      'was throttled (ThrottlingException)'
    ],
    [
      'TooManyRequestsException',
      new TooManyRequestsException({
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 }
      }),
      'was throttled (TooManyRequestsException)'
    ],
    ['HTTP 429', awsError('Unknown', 429), 'was throttled (Unknown)'],
    [
      'HTTP 500',
      awsError('InternalServerException', 500),
      'failed with HTTP 500 (InternalServerException)'
    ],
    ['HTTP 503', awsError('ServiceUnavailable', 503), 'failed with HTTP 503 (ServiceUnavailable)']
  ])('is tried again after %s, with the retry logged', async (_what, error, reason) => {
    const { work, calls } = failing(error)

    await expect(withRetry('Athena GetQueryExecution', work, options())).resolves.toBe('done')

    expect(calls()).toBe(2)
    expect(log.warnings).toEqual([`Athena GetQueryExecution ${reason}; retry 1 of 3 in 500 ms`])
  })

  it('waits a random share of an exponentially growing cap: full jitter', async () => {
    const throttled = awsError('ThrottlingException', 400)
    const { work } = failing(throttled, throttled, throttled)

    await withRetry('Athena GetQueryExecution', work, options({ random: () => 0.999 }))

    // The caps are 1 s, 2 s and 4 s; the wait is random × cap, rounded down.
    expect(sleeps).toEqual([999, 1998, 3996])
  })

  it('gives up after 4 tries in all, with the last error', async () => {
    const last = awsError('ThrottlingException', 400)
    const { work, calls } = failing(
      awsError('ThrottlingException', 400),
      awsError('ThrottlingException', 400),
      awsError('ThrottlingException', 400),
      last
    )

    await expect(withRetry('Athena StartQueryExecution', work, options())).rejects.toBe(last)

    expect(calls()).toBe(4)
    expect(log.warnings).toEqual([
      'Athena StartQueryExecution was throttled (ThrottlingException); retry 1 of 3 in 500 ms',
      'Athena StartQueryExecution was throttled (ThrottlingException); retry 2 of 3 in 1000 ms',
      'Athena StartQueryExecution was throttled (ThrottlingException); retry 3 of 3 in 2000 ms'
    ])
  })

  it('is not tried again for an error of the request itself', async () => {
    const invalid = new InvalidRequestException({
      message: 'Not authorized',
      $metadata: { httpStatusCode: 400 }
    })
    const { work, calls } = failing(invalid)

    await expect(withRetry('Athena StartQueryExecution', work, options())).rejects.toBe(invalid)

    expect(calls()).toBe(1)
    expect(log.warnings).toEqual([])
  })

  it('is not tried again for something that is not an AWS error', async () => {
    const { work, calls } = failing(new TypeError('boom'))

    await expect(withRetry('Athena GetQueryExecution', work, options())).rejects.toThrow('boom')

    expect(calls()).toBe(1)
  })

  it('stops waiting when the run is cancelled during the pause', async () => {
    const cancel = new AbortController()
    const { work, calls } = failing(awsError('ThrottlingException', 400))
    const sleep = async (_ms: number, signal?: AbortSignal): Promise<void> => {
      cancel.abort(new Error('Cancelled by SIGINT'))
      signal?.throwIfAborted()
    }

    await expect(
      withRetry('Athena GetQueryExecution', work, options({ sleep, signal: cancel.signal }))
    ).rejects.toThrow('Cancelled by SIGINT')

    expect(calls()).toBe(1)
  })
})

describe('the AWS clients', () => {
  it("retry 6 attempts a call under the action's own retries: adaptive for Athena and EC2, standard for S3", async () => {
    const clients = createAwsClients({ customEndpoint: false })

    for (const [client, mode] of [
      [clients.athena, 'adaptive'],
      [clients.ec2, 'adaptive'],
      [clients.s3, 'standard']
    ] as const) {
      expect(await client.config.retryStrategy()).toMatchObject({ mode })
      expect(await client.config.maxAttempts()).toBe(6)
    }
  })
})
