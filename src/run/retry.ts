import { setTimeout as delay } from 'node:timers/promises'
import type { Log } from './log.js'

/** Waits `ms`; rejects early when `signal` aborts. Injected by tests so they run instantly. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export const sleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, { signal })
}

export interface RetryOptions {
  readonly log: Log
  readonly sleep?: Sleep
  /** In [0, 1), as `Math.random`; injected by tests to pin the delays. */
  readonly random?: () => number
  readonly signal?: AbortSignal
  /**
   * Why an error the rule below leaves alone is worth trying again after all, or `undefined`: a
   * caller's own transient failures, such as a connection lost while reading a response body.
   */
  readonly retryable?: (error: unknown) => string | undefined
}

/** Tries in all, the first included. The SDK has already retried each try. */
const ATTEMPTS = 4
const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 10_000

const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException'])

/**
 * Why `error` is worth trying again after a pause (throttling, or a failure on AWS's side), or
 * `undefined` when it is not.
 */
function retryReason(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: number } }
  const label = typeof name === 'string' ? name : 'error'
  const status = $metadata?.httpStatusCode ?? 0
  if (THROTTLING_ERRORS.has(label) || status === 429) return `was throttled (${label})`
  if (status >= 500) return `failed with HTTP ${status} (${label})`
  return undefined
}

/**
 * Runs `work`, trying again on throttling (ThrottlingException, TooManyRequestsException, HTTP
 * 429) and HTTP 5xx with exponential backoff and full jitter, which spreads the retries of many
 * concurrent runs instead of synchronising them. Each retry is logged as a warning; the give-up
 * rethrows the last error.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export async function withRetry<T>(
  what: string,
  work: () => Promise<T>,
  options: RetryOptions
): Promise<T> {
  const wait = options.sleep ?? sleep
  const random = options.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      const reason = retryReason(error) ?? options.retryable?.(error)
      if (attempt >= ATTEMPTS || reason === undefined) throw error
      const ms = Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt))
      options.log.warning(`${what} ${reason}; retry ${attempt} of ${ATTEMPTS - 1} in ${ms} ms`)
      await wait(ms, options.signal)
    }
  }
}
