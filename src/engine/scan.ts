import type { Aggregate } from './aggregate.js'
import type { ArchivedFiles } from './archived.js'

/** A log file the local engine could not read, with why. */
export interface SkippedFile {
  readonly path: string
  readonly reason: string
}

/** One account's, region's and day's folder of log files. */
export interface DayFolder {
  readonly account: string
  readonly region: string
  /** `YYYY-MM-DD`. */
  readonly day: string
}

/** What an engine hands the reports: the aggregate, and what it cost to produce. */
export interface Scan extends ScanFacts {
  readonly rows: Aggregate
}

/** What producing the aggregate took and left out, as the summary tells it. */
export interface ScanFacts {
  /** Athena only. */
  readonly queryExecutionId?: string
  readonly dataScannedBytes?: number
  /** The region the query ran in, for a link to it in the Athena console. */
  readonly athenaRegion?: string
  /** Local engine only. */
  readonly filesRead?: number
  /** Local engine: the bytes of the log files read, as stored (gzipped). */
  readonly bytesRead?: number
  readonly skippedFiles?: readonly SkippedFile[]
  /** Log files of the window in archive storage, not read: the counts leave them out. */
  readonly archived?: ArchivedFiles
  /** Athena answered with the result of an identical earlier query (result reuse). */
  readonly resultReused?: boolean
  /**
   * The local engine: the window's day folders (of the plan's accounts and regions) that held no
   * log file at all. A trail that stopped, or a bucket policy that blocks delivery, leaves them so.
   */
  readonly emptyFolders?: readonly DayFolder[]
}
