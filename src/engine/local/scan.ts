import type { S3Client } from '@aws-sdk/client-s3'
import { setMaxListeners } from 'node:events'
import { requireDirectory } from '../../plan/regions.js'
import { availableParallelism } from 'node:os'
import { dayFolderKey } from '../../plan/layout.js'
import type { LocalSettings } from '../../plan/plan.js'
import type { RunContext } from '../../run/context.js'
import type { Scan, SkippedFile } from '../scan.js'
import { LocalAggregate } from './merge.js'
import { Progress } from './progress.js'
import {
  ArchivedObject,
  bucketSource,
  directorySource,
  type LogFile,
  type LogSource
} from './sources.js'
import { archivedNotice } from '../archived.js'
import { ParseError, ParserPool } from './workers.js'

/** Where the files are read from: a directory, or the bucket with the client that reads it. */
export type LocalLogs =
  { readonly directory: string } | { readonly bucket: string; readonly s3: S3Client }

/** The local engine's settings: the plan's, with the S3 client when it reads the bucket. */
export interface LocalEngineSettings extends Omit<LocalSettings, 'logs'> {
  readonly logs: LocalLogs
}

/**
 * The local engine: reads the day folders' log files (from `logsDir`, or the bucket), parses them
 * in worker threads, and adds their partial aggregates up here. Memory grows with the distinct
 * aggregate keys and the dedupe set, never with the volume of logs.
 */
export async function scanLocally(plan: LocalEngineSettings, context: RunContext): Promise<Scan> {
  const { log } = context
  context.signal.throwIfAborted()
  const source = await sourceOf(plan.logs, context)
  // Each S3 request in flight, and each retry's wait, listens for the abort: more than the 10
  // listeners past which Node.js suspects a leak. A signal of the scan's own says how many to expect.
  const signal = AbortSignal.any([context.signal])
  setMaxListeners(source.concurrency * 4, signal)
  const dayFolders = plan.accounts.flatMap((account) =>
    plan.regions.flatMap((region) => plan.folderDays.map((day) => ({ account, region, day })))
  )
  const folders = dayFolders.map(({ account, region, day }) =>
    dayFolderKey(plan.layout, account, region, day)
  )
  const aggregate = new LocalAggregate(plan.dedupe, plan.evidenceLimit)
  const progress = new Progress(log, folders.length)
  const pool = new ParserPool(
    // One parser per core (the main thread only lists folders, fetches objects and merges), up to
    // a few: each holds its own heap and key table.
    Math.min(availableParallelism(), 8),
    {
      start: plan.window.start,
      end: plan.window.end,
      byEventTime: plan.dayBoundary === 'event-time',
      dedupe: plan.dedupe,
      // As data: each thread compiles them.
      rules: plan.rules.map(({ key, condition, threshold }) =>
        threshold === undefined ? { key, condition } : { key, condition, per: threshold.per }
      ),
      evidenceLimit: plan.evidenceLimit
    },
    (worker, result) => {
      aggregate.add(worker, result)
      progress.parsed(result.records)
    }
  )
  const skippedFiles: SkippedFile[] = []
  let filesRead = 0
  let bytesRead = 0
  let archivedFiles = 0

  const readOne = async (file: LogFile): Promise<void> => {
    if (file.archived !== undefined) {
      archivedFiles++
      log.debug(`Not read, archived (${file.archived}): ${file.path}`)
      progress.fileDone()
      return
    }
    let bytes: Uint8Array | undefined
    try {
      bytes = await file.fetch?.(signal)
    } catch (error) {
      if (error instanceof ArchivedObject) {
        archivedFiles++
        log.debug(`Not read: ${error.message}`)
        progress.fileDone()
        return
      }
      throw new Error(`Cannot read the log file ${file.path}: ${(error as Error).message}`, {
        cause: error
      })
    }
    try {
      // Not `bytesRead += await …`, which reads bytesRead before the wait: files run concurrently.
      const size = await pool.parse({ path: file.path, gzipped: file.gzipped, bytes })
      bytesRead += size
      filesRead++
      progress.fileDone()
    } catch (error) {
      const reason = (error as Error).message
      if (!(error instanceof ParseError) || error.unreadable || plan.onBadFile !== 'skip') {
        throw new Error(`Cannot read the log file ${file.path}: ${reason}`, { cause: error })
      }
      skippedFiles.push({ path: file.path, reason })
      log.warning(`Skipped the log file ${file.path}: ${reason}`)
    }
  }

  const filesPerFolder: number[] = []
  let summary: string
  try {
    await log.group(`Reading the log files of ${folders.length} day folders`, () =>
      forEachLogFile(source, folders, progress, signal, readOne, filesPerFolder)
    )
  } finally {
    summary = progress.finish()
    await pool.close()
  }
  log.info(summary)
  const archived =
    'bucket' in plan.logs ? { files: archivedFiles, maybe: 0, complete: true } : undefined
  const notice = archivedNotice(archived)
  if (notice !== undefined) log.warning(notice)
  // The day after the window (read for late deliveries) is no day of the window's.
  const emptyFolders = dayFolders.filter(
    (folder, index) => folder.day <= plan.window.end && (filesPerFolder[index] ?? 0) === 0
  )
  return {
    rows: aggregate.rows(),
    filesRead,
    bytesRead,
    emptyFolders,
    ...(archived === undefined ? {} : { archived }),
    ...(plan.onBadFile === 'skip'
      ? { skippedFiles: skippedFiles.sort((a, b) => (a.path < b.path ? -1 : 1)) }
      : {})
  }
}

async function sourceOf(logs: LocalLogs, context: RunContext): Promise<LogSource> {
  if ('directory' in logs) {
    await requireDirectory(logs.directory)
    return directorySource(logs.directory)
  }
  return bucketSource(logs.s3, logs.bucket, context)
}

/**
 * Reads the files of every folder, a bounded number at once, listing each folder as it goes: no
 * more file names and contents are held than the files being read. Stops at the first failure.
 * `filesPerFolder` gets how many log files each folder listed (archived ones included).
 */
async function forEachLogFile(
  source: LogSource,
  folders: readonly string[],
  progress: Progress,
  signal: AbortSignal,
  readOne: (file: LogFile) => Promise<void>,
  filesPerFolder: number[]
): Promise<void> {
  const running = new Set<Promise<void>>()
  let failure: { error: unknown } | undefined
  for (const [index, folder] of folders.entries()) {
    filesPerFolder[index] = 0
    for await (const file of source.list(folder, signal)) {
      filesPerFolder[index] += 1
      while (running.size >= source.concurrency && failure === undefined)
        await Promise.race(running)
      if (failure !== undefined) break
      signal.throwIfAborted()
      progress.fileListed()
      const task = readOne(file).catch((error: unknown) => {
        failure ??= { error }
      })
      running.add(task)
      void task.finally(() => running.delete(task))
    }
    progress.folderListed()
    if (failure !== undefined) break
  }
  await Promise.all(running)
  signal.throwIfAborted()
  if (failure !== undefined) throw failure.error
}
