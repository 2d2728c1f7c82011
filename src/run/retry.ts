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
   * Why `error` is worth trying again, or `undefined` when it is not. Only failures the SDK cannot
   * retry itself belong here (a response body cut off while it is read, after the SDK has handed
   * the response over): throttling and server errors are the SDK's (`sdk-retry.ts`), and retrying
   * them here too would multiply the requests of one call.
   */
  readonly retryable: (error: unknown) => string | undefined
}

/** Tries in all, the first included. */
const ATTEMPTS = 4
const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 10_000

/**
 * Runs `work`, trying again when `options.retryable` gives a reason, with exponential backoff and
 * full jitter. Each retry is logged as a warning; the give-up rethrows the last error.
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
      const reason = options.retryable(error)
      if (attempt >= ATTEMPTS || reason === undefined) throw error
      const ms = Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt))
      options.log.warning(`${what} ${reason}; retry ${attempt} of ${ATTEMPTS - 1} in ${ms} ms`)
      await wait(ms, options.signal)
    }
  }
}
