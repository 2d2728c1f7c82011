/**
 * Log files in storage classes that must be restored before they can be read: Athena skips them
 * without an error, and S3 refuses GetObject on them (InvalidObjectState). A report that leaves
 * them out undercounts, and must say so.
 * https://docs.aws.amazon.com/athena/latest/ug/other-notable-limitations.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
 */

/** The storage classes a listing shows for archived objects (Glacier Instant Retrieval reads as usual). */
export const ARCHIVED_STORAGE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE'])

/**
 * Intelligent-Tiering objects may sit in its Archive Access or Deep Archive Access tier, which a
 * listing does not show (only HeadObject or a failed GetObject does).
 */
export const INTELLIGENT_TIERING = 'INTELLIGENT_TIERING'

/** What a run knows about the window's archived log files. */
export interface ArchivedFiles {
  /** Log files in an archive storage class or tier, not read. */
  readonly files: number
  /**
   * Intelligent-Tiering log files that may be in an archive tier (Athena's check, which lists and
   * does not read); 0 for the local engine, which finds out by reading.
   */
  readonly maybe: number
  /** `false` when the check stopped at its bound before listing every folder of the window. */
  readonly complete: boolean
  /** Why the check could not be made at all (Athena), when it could not. */
  readonly unchecked?: string
}

/** The sentence the log and the summary say about them, or `undefined` when there is nothing to say. */
export function archivedNotice(archived: ArchivedFiles | undefined): string | undefined {
  if (archived?.unchecked !== undefined) {
    return `The storage classes of the window's log files could not be checked (${archived.unchecked}): archived files, which Athena skips, may be missing from the counts`
  }
  if (archived === undefined || (archived.files === 0 && archived.maybe === 0)) return undefined
  const parts: string[] = []
  if (archived.files > 0) {
    parts.push(
      `${archived.files.toLocaleString('en-US')} log ${archived.files === 1 ? 'file' : 'files'} of the window ${archived.files === 1 ? 'is' : 'are'} archived (S3 Glacier Flexible Retrieval, Deep Archive or an Intelligent-Tiering archive tier) and ${archived.files === 1 ? 'was' : 'were'} not read: the counts leave out ${archived.files === 1 ? 'its' : 'their'} events. Restore ${archived.files === 1 ? 'it' : 'them'} to count ${archived.files === 1 ? 'it' : 'them'}`
    )
  }
  if (archived.maybe > 0) {
    parts.push(
      `${archived.maybe.toLocaleString('en-US')} log ${archived.maybe === 1 ? 'file is' : 'files are'} in S3 Intelligent-Tiering, whose archive tiers Athena does not read either`
    )
  }
  const partial = archived.complete ? '' : ' (the check listed only part of the window)'
  return `${parts.join('; ')}${partial}`
}
