import type { Log } from './log.js'
import type { Sleep } from './retry.js'

/**
 * What every stage of a run is handed besides its own settings: where progress goes, the signal
 * that cancels the run (SIGINT/SIGTERM), and time and chance, which tests inject so that retries
 * and backoff run instantly and deterministically.
 */
export interface RunContext {
  readonly log: Log
  readonly signal: AbortSignal
  readonly sleep?: Sleep
  /** In [0, 1), as `Math.random`. */
  readonly random?: () => number
}
