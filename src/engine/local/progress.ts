import type { Log } from '../../run/log.js'
import { formatCount } from '../../format.js'

/**
 * How far a scan is, said every few seconds: the files and records done, the rate, and an
 * estimate of the time left. Day folders are listed while their files are read, so the total
 * number of files is estimated: the files of the folders listed to their end, the folder being
 * listed at no fewer files than it has shown so far, and the average of the listed folders for
 * each folder still to come. A file is read only after it is listed, so the estimate never falls
 * below the files read, nor the time left below zero.
 */
export class Progress {
  /** Files listed, those of the folder being listed included. */
  private filesListed = 0
  /** Files of the folders listed to their end. */
  private filesInListedFolders = 0
  private foldersListed = 0
  private files = 0
  private records = 0
  private readonly started: number
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly log: Log,
    private readonly folders: number,
    private readonly now: () => number = () => performance.now(),
    intervalMs = 5_000
  ) {
    this.started = now()
    this.timer = setInterval(() => this.log.info(this.status()), intervalMs)
    this.timer.unref()
  }

  fileListed(): void {
    this.filesListed++
  }

  /** A folder is listed to its end. */
  folderListed(): void {
    this.foldersListed++
    this.filesInListedFolders = this.filesListed
  }

  parsed(records: number): void {
    this.records += records
  }

  fileDone(): void {
    this.files++
  }

  /** `Read 3,512 of about 7,000 log files, 351,200 records (105,000 records/s), about 4 s left`. */
  status(): string {
    const seconds = (this.now() - this.started) / 1000
    const expected = this.estimatedFiles()
    const rate = seconds > 0 ? this.records / seconds : 0
    const left =
      this.files > 0 && seconds > 0
        ? `, about ${formatCount(Math.ceil(((expected - this.files) * seconds) / this.files))} s left`
        : ''
    return `Read ${formatCount(this.files)} of about ${formatCount(expected)} log files, ${formatCount(this.records)} records (${formatCount(Math.round(rate))} records/s)${left}`
  }

  private estimatedFiles(): number {
    const unlisted = this.folders - this.foldersListed
    if (this.foldersListed === 0 || unlisted <= 0) return this.filesListed
    const average = this.filesInListedFolders / this.foldersListed
    const current = this.filesListed - this.filesInListedFolders
    return Math.round(
      this.filesInListedFolders + Math.max(current, average) + average * (unlisted - 1)
    )
  }

  /** Stops the periodic status, and says what the whole scan did. */
  finish(): string {
    clearInterval(this.timer)
    const seconds = (this.now() - this.started) / 1000
    const rate = seconds > 0 ? Math.round(this.records / seconds) : 0
    return `Read ${formatCount(this.files)} log files, ${formatCount(this.records)} records in ${seconds.toFixed(1)} s (${formatCount(rate)} records/s)`
  }
}
