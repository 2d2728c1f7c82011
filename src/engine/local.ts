import type { S3Client } from '@aws-sdk/client-s3'
import { setMaxListeners } from 'node:events'
import { readdir, stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { aggregateRow, type AggregateRow } from '../aggregate.js'
import { FLAG_RULES } from '../flags.js'
import { dayFolderKey, logsRootKey } from '../layout.js'
import type { Log } from '../log.js'
import type { Plan } from '../plan.js'
import type { Sleep } from '../retry.js'
import type { Scan, SkippedFile } from '../scan.js'
import { REGION } from '../validation.js'
import { EventIdSet } from './local/dedupe.js'
import type { FileAggregate } from './local/parse.js'
import { Progress } from './local/progress.js'
import { bucketSource, directorySource, type LogFile, type LogSource } from './local/sources.js'
import { ParseError, ParserPool } from './local/workers.js'

export interface LocalContext {
  /** Reads the bucket with it; `undefined` when the plan reads `logsDir`. */
  readonly s3: S3Client | undefined
  readonly log: Log
  readonly signal: AbortSignal
  /** For the retries of S3 reads; injected by tests so they run instantly. */
  readonly sleep?: Sleep
  readonly random?: () => number
}

/**
 * The local engine: reads the day folders' log files (from `logsDir`, or the bucket), parses them
 * in worker threads, and adds their partial aggregates up here. Memory grows with the distinct
 * aggregate keys and the dedupe set, never with the volume of logs.
 */
export async function scanLocally(plan: Plan, context: LocalContext): Promise<Scan> {
  const { log } = context
  context.signal.throwIfAborted()
  const source = await sourceOf(plan, context)
  // Each S3 request in flight, and each retry's wait, listens for the abort: more than the 10
  // listeners past which Node.js suspects a leak. A signal of the scan's own says how many to expect.
  const signal = AbortSignal.any([context.signal])
  setMaxListeners(source.concurrency * 4, signal)
  const folders = plan.accounts.flatMap((account) =>
    plan.regions.flatMap((region) =>
      plan.folderDays.map((day) => dayFolderKey(plan.layout, account, region, day))
    )
  )
  const aggregate = new LocalAggregate(plan.dedupe)
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
      flagRules: FLAG_RULES
    },
    (worker, result) => {
      aggregate.add(worker, result)
      progress.parsed(result.records)
    }
  )
  const skippedFiles: SkippedFile[] = []
  let filesRead = 0

  const readOne = async (file: LogFile): Promise<void> => {
    let bytes: Uint8Array | undefined
    try {
      bytes = await file.fetch?.(signal)
    } catch (error) {
      throw new Error(`Cannot read the log file ${file.path}: ${(error as Error).message}`, {
        cause: error
      })
    }
    try {
      await pool.parse({ path: file.path, gzipped: file.gzipped, bytes })
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

  let summary: string
  try {
    await log.group(`Reading the log files of ${folders.length} day folders`, () =>
      forEachLogFile(source, folders, progress, signal, readOne)
    )
  } finally {
    summary = progress.finish()
    await pool.close()
  }
  log.info(summary)
  return {
    rows: aggregate.rows(),
    filesRead,
    ...(plan.onBadFile === 'skip'
      ? { skippedFiles: skippedFiles.sort((a, b) => (a.path < b.path ? -1 : 1)) }
      : {})
  }
}

async function sourceOf(plan: Plan, context: LocalContext): Promise<LogSource> {
  if (plan.logsDir !== '') {
    await requireDirectory(plan.logsDir)
    return directorySource(plan.logsDir)
  }
  const { s3, log, sleep, random } = context
  if (s3 === undefined) throw new Error('The local engine needs an S3 client to read the bucket')
  return bucketSource(s3, plan.layout.bucket, { log, sleep, random })
}

/**
 * Reads the files of every folder, a bounded number at once, listing each folder as it goes: no
 * more file names and contents are held than the files being read. Stops at the first failure.
 */
async function forEachLogFile(
  source: LogSource,
  folders: readonly string[],
  progress: Progress,
  signal: AbortSignal,
  readOne: (file: LogFile) => Promise<void>
): Promise<void> {
  const running = new Set<Promise<void>>()
  let failure: { error: unknown } | undefined
  for (const folder of folders) {
    let listed = 0
    for await (const file of source.list(folder, signal)) {
      while (running.size >= source.concurrency && failure === undefined)
        await Promise.race(running)
      if (failure !== undefined) break
      signal.throwIfAborted()
      listed++
      const task = readOne(file).catch((error: unknown) => {
        failure ??= { error }
      })
      running.add(task)
      void task.finally(() => running.delete(task))
    }
    progress.listed(listed)
    if (failure !== undefined) break
  }
  await Promise.all(running)
  signal.throwIfAborted()
  if (failure !== undefined) throw failure.error
}

/** The files' partial aggregates, added up by key. */
class LocalAggregate {
  private readonly keyIndex = new Map<string, number>()
  private readonly keys: string[] = []
  private readonly events: number[] = []
  /** For each worker, its key ids mapped to indexes here. */
  private readonly workerKeys: number[][] = []
  private readonly seen: EventIdSet | undefined

  constructor(dedupe: boolean) {
    this.seen = dedupe ? new EventIdSet() : undefined
  }

  add(worker: number, file: FileAggregate): void {
    const ids = (this.workerKeys[worker] ??= [])
    for (const key of file.newKeys) {
      let index = this.keyIndex.get(key)
      if (index === undefined) {
        index = this.keys.length
        this.keyIndex.set(key, index)
        this.keys.push(key)
        this.events.push(0)
      }
      ids.push(index)
    }
    const { counts, eventIds } = file
    for (let i = 0; i < counts.length; i += 2) {
      const index = ids[counts[i] as number] as number
      this.events[index] = (this.events[index] as number) + (counts[i + 1] as number)
    }
    const seen = this.seen
    if (seen === undefined) return
    for (let i = 0; i < eventIds.length; i += 3) {
      if (seen.add(eventIds[i + 1] as number, eventIds[i + 2] as number)) {
        const index = ids[eventIds[i] as number] as number
        this.events[index] = (this.events[index] as number) + 1
      }
    }
  }

  /** The rows, in key order, so that a run's output does not depend on thread timing. */
  async *rows(): AsyncGenerator<AggregateRow> {
    const order = this.keys.map((_, index) => index).sort((a, b) => compareKeys(this.keys, a, b))
    for (const index of order) {
      const values: string[] = JSON.parse(this.keys[index] as string)
      yield aggregateRow(values, this.events[index] as number)
    }
  }
}

function compareKeys(keys: readonly string[], a: number, b: number): number {
  const x = keys[a] as string
  const y = keys[b] as string
  return x < y ? -1 : x > y ? 1 : 0
}

async function requireDirectory(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined || !info.isDirectory()) {
    throw new Error(`The logs directory ${path} does not exist or is not a directory`)
  }
}

/**
 * The regions whose folders exist under the accounts' `CloudTrail/` folders in `logsDir`: with
 * local files and no `regions` input there is no need to ask EC2.
 */
export async function discoverLocalRegions(
  logsDir: string,
  where: { prefix: string; organizationId: string; accounts: readonly string[] }
): Promise<string[]> {
  await requireDirectory(logsDir)
  const root = logsRootKey({
    bucket: '',
    prefix: where.prefix,
    organizationId: where.organizationId
  })
  const regions = new Set<string>()
  const searched: string[] = []
  for (const account of where.accounts) {
    const folder = join(logsDir, root, account, 'CloudTrail')
    searched.push(folder)
    const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    })
    for (const entry of entries) {
      if (entry.isDirectory() && REGION.test(entry.name)) regions.add(entry.name)
    }
  }
  if (regions.size === 0) {
    throw new Error(
      `No region folders in ${searched.join(', ')}: check logs-dir, prefix, organization-id and account`
    )
  }
  return [...regions].sort()
}
