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
}

/** Tries in all, the first included. The SDK has already retried each try (adaptive mode). */
const ATTEMPTS = 4
const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 10_000

const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException'])

/** Throttling or a server-side failure: worth trying again after a pause. */
function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: number } }
  const status = $metadata?.httpStatusCode ?? 0
  return (
    (typeof name === 'string' && THROTTLING_ERRORS.has(name)) || status === 429 || status >= 500
  )
}

/**
 * Runs `work`, trying again on throttling with exponential backoff and full jitter, which spreads
 * the retries of many concurrent runs instead of synchronising them.
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
      if (attempt >= ATTEMPTS || !isThrottling(error)) throw error
      const ms = Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt))
      options.log.warning(
        `${what} was throttled (${error instanceof Error ? error.name : String(error)}); retry ${attempt} of ${ATTEMPTS - 1} in ${ms} ms`
      )
      await wait(ms, options.signal)
    }
  }
}
