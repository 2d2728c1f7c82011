import type { Aggregate } from './aggregate.js'
import type { ArchivedFiles } from './archived.js'

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
  /** Log files of the window in archive storage, not read: the counts leave them out. */
  readonly archived?: ArchivedFiles
  /** Athena answered with the result of an identical earlier query (result reuse). */
  readonly resultReused?: boolean
}
