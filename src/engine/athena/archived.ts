import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { dayFolderKey, s3Url } from '../../plan/layout.js'
import type { AthenaSettings } from '../../plan/plan.js'
import type { RunContext } from '../../run/context.js'
import { awsCall } from '../../run/sdk-retry.js'
import {
  ARCHIVED_STORAGE_CLASSES,
  archivedNotice,
  INTELLIGENT_TIERING,
  type ArchivedFiles
} from '../archived.js'

/**
 * ListObjectsV2 requests the check may make, 1,000 keys each: a month of a busy trail in a dozen
 * regions, for a few cents at most. Past it, the check says it is partial.
 */
export const ARCHIVE_CHECK_MAX_REQUESTS = 100

/**
 * Counts the window's log files in archive storage, which Athena skips without a word: a listing
 * of the day folders, which shows each object's storage class. Lifecycle rules move old logs
 * there, so the plan asks for it on windows older than a few weeks.
 */
export async function checkArchivedFiles(
  plan: AthenaSettings,
  context: RunContext & { readonly s3: S3Client }
): Promise<ArchivedFiles> {
  let result: ArchivedFiles
  try {
    result = await listArchived(plan, context)
  } catch (error) {
    if (context.signal.aborted) throw error
    // The check is a safeguard, not the report: a listing refused or failed says so, and the
    // report goes on.
    result = { files: 0, maybe: 0, complete: false, unchecked: (error as Error).message }
  }
  const notice = archivedNotice(result)
  if (notice !== undefined) context.log.warning(notice)
  return result
}

async function listArchived(
  plan: AthenaSettings,
  context: RunContext & { readonly s3: S3Client }
): Promise<ArchivedFiles> {
  let requests = 0
  let files = 0
  let archived = 0
  let maybe = 0
  let complete = true
  const folders = plan.accounts.flatMap((account) =>
    plan.regions.flatMap((region) =>
      plan.folderDays.map((day) => dayFolderKey(plan.layout, account, region, day))
    )
  )
  scan: for (const folder of folders) {
    let ContinuationToken: string | undefined
    do {
      if (requests === ARCHIVE_CHECK_MAX_REQUESTS) {
        complete = false
        break scan
      }
      requests++
      const page = await awsCall(
        'S3 ListObjectsV2',
        () =>
          context.s3.send(
            new ListObjectsV2Command({
              Bucket: plan.layout.bucket,
              Prefix: folder,
              ContinuationToken
            }),
            { abortSignal: context.signal }
          ),
        {
          signal: context.signal,
          also: ` (checking the storage class of the log files in ${s3Url(plan.layout.bucket, folder)})`
        }
      )
      for (const { Key = '', StorageClass = 'STANDARD' } of page.Contents ?? []) {
        const name = Key.slice(folder.length)
        if (name.includes('/') || !name.endsWith('.json.gz')) continue
        files++
        if (ARCHIVED_STORAGE_CLASSES.has(StorageClass)) archived++
        else if (StorageClass === INTELLIGENT_TIERING) maybe++
      }
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined
    } while (ContinuationToken !== undefined)
  }
  const result = { files: archived, maybe, complete }
  context.log.info(
    `Storage classes checked (the window is older than a few weeks): ${files.toLocaleString('en-US')} log files listed in ${requests} request(s), ${archived.toLocaleString('en-US')} archived${complete ? '' : `; stopped after ${ARCHIVE_CHECK_MAX_REQUESTS} requests, before the last folders`}`
  )
  return result
}
