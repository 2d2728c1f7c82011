import type { Aggregate } from './aggregate.js'

/** A log file the local engine could not read, with why. */
export interface SkippedFile {
  readonly path: string
  readonly reason: string
}

/** What an engine hands the reports: the aggregate, and what it cost to produce. */
export interface Scan {
  readonly rows: Aggregate
  readonly queryExecutionId?: string
  readonly dataScannedBytes?: number
  /** The region the query ran in, for a link to it in the Athena console. */
  readonly athenaRegion?: string
  readonly filesRead?: number
  readonly skippedFiles?: readonly SkippedFile[]
}
