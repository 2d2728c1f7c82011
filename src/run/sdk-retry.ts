import type { AthenaClientConfig } from '@aws-sdk/client-athena'
import type { MetadataBearer, MiddlewareStack } from '@smithy/types'
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Log } from './log.js'

/** The SDK's retry strategy interface (v2), taken from a client's config to need no extra package. */
type RetryStrategyV2 = Extract<
  NonNullable<AthenaClientConfig['retryStrategy']>,
  { acquireInitialRetryToken: unknown }
>
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1]

/**
 * Requests per call, the first included: throttling and server errors (HTTP 500, 502, 503, 504,
 * connection resets, timeouts) are retried by the SDK, and by nothing else, so one call never
 * sends more than this.
 */
export const MAX_ATTEMPTS = 6
const BASE_DELAY_MS = 200
const THROTTLING_BASE_DELAY_MS = 1_000
const MAX_DELAY_MS = 20_000

export interface SdkRetryOptions {
  /** The service, as the log names it: `Athena`, `S3`, `EC2`. */
  readonly service: string
  readonly log: Log
  /** In [0, 1), as `Math.random`; tests pin it to make the delays exact (0: no wait). */
  readonly random?: () => number
}

/** The command being sent, for the retry log: set around each call by `nameCommands`. */
const currentCommand = new AsyncLocalStorage<string>()

/**
 * Remembers which command each call sends, so that a retry can be logged by name. The SDK hands
 * its retry strategy only the error, not the command.
 */
export function nameCommands<I extends object, O extends MetadataBearer>(
  stack: MiddlewareStack<I, O>
): void {
  stack.add(
    (next, context) => (args) =>
      currentCommand.run(String(context.commandName ?? '').replace(/Command$/, ''), () =>
        next(args)
      ),
    { step: 'initialize', name: 'cloudtrailReportCommandName' }
  )
}

class Token implements RetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number
  ) {}
  getRetryCount(): number {
    return this.count
  }
  getRetryDelay(): number {
    return this.delay
  }
}

/**
 * The one retry layer for AWS calls: exponential backoff with full jitter (which spreads the
 * retries of concurrent runs instead of synchronising them), `Retry-After` honoured, each retry
 * logged as a warning. Unlike the SDK's standard strategy it keeps no retry quota shared across
 * calls: a local scan that meets a burst of S3 errors on many objects at once still retries each
 * of them, instead of failing objects the quota no longer covers.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export class LoggedRetryStrategy implements RetryStrategyV2 {
  constructor(private readonly options: SdkRetryOptions) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new Token(0, 0)
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = token.getRetryCount() + 1
    if (info.errorType === 'CLIENT_ERROR' || info.errorType === 'SERVER_ERROR') throw info.error
    if (retry >= MAX_ATTEMPTS) throw info.error
    const base = info.errorType === 'THROTTLING' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS
    const random = this.options.random ?? Math.random
    let delay = Math.floor(random() * Math.min(MAX_DELAY_MS, base * 2 ** (retry - 1)))
    if (info.retryAfterHint instanceof Date) {
      delay = Math.max(delay, Math.min(info.retryAfterHint.getTime() - Date.now(), MAX_DELAY_MS))
    }
    const call = [this.options.service, currentCommand.getStore()].filter(Boolean).join(' ')
    this.options.log.warning(
      `${call} ${describeFailure(info.error)}; retry ${retry} of ${MAX_ATTEMPTS - 1} in ${delay} ms`
    )
    return new Token(retry, delay)
  }

  recordSuccess(): void {}
}

/** `failed with HTTP 503 (ServiceUnavailable)`, `was throttled (ThrottlingException)`, … */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `failed: ${String(error)}`
  const { $metadata, code } = error as Error & {
    $metadata?: { httpStatusCode?: number }
    code?: string
  }
  const status = $metadata?.httpStatusCode
  if (status === 429 || /Throttl|TooManyRequests|SlowDown|RequestLimitExceeded/.test(error.name)) {
    return `was throttled (${status === undefined ? '' : `HTTP ${status}, `}${error.name})`
  }
  if (status !== undefined) return `failed with HTTP ${status} (${error.name})`
  if (code !== undefined) return `lost its connection (${code}: ${error.message})`
  return `failed (${error.name}: ${error.message})`
}

/**
 * The message of a call that failed for good: the call, how many requests it made, and the last
 * error as AWS gave it.
 */
export function callFailure(call: string, error: unknown): string {
  const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts
  const tries = attempts === undefined || attempts <= 1 ? '' : ` after ${attempts} attempts`
  const name = error instanceof Error ? error.name : 'Error'
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return `${call} failed${tries}: ${name}: ${message}`
}

/**
 * Sends one AWS call (`send`), and on failure throws an error whose message names the call and
 * the last error (`callFailure`), after `also` when given. A failure caused by `signal` aborting
 * is rethrown as it is: the run was cancelled, the call did not fail.
 */
export async function awsCall<T>(
  call: string,
  send: () => Promise<T>,
  options: { readonly signal?: AbortSignal; readonly also?: string } = {}
): Promise<T> {
  try {
    return await send()
  } catch (error) {
    if (options.signal?.aborted === true) throw error
    throw new Error(`${callFailure(call, error)}${options.also ?? ''}`, { cause: error })
  }
}
