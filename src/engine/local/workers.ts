import { Worker } from 'node:worker_threads'
import type { Batch, BatchReply, ParseJob } from './batches.js'
import type { FileAggregate, ParserOptions } from './parser/parser.js'

/**
 * Where a parser thread starts, and how. In a bundle (`dist/index.js`, `dist/cli/index.js`), from
 * `parser-thread/index.js` beside it: `npm run bundle` makes `parser-thread.ts` a small bundle of
 * its own in both places. A thread that loaded the action's or the CLI's bundle would hold all of
 * it (45 to 70 MiB a thread) to run a parser of 50 kB. From the TypeScript source
 * (Vitest, tsx scripts), from `parser-thread.ts`, through tsx: Node 20 ignores `--import` in a
 * worker's `execArgv`, so the thread registers tsx itself before importing the file.
 */
function parserThread(): { readonly entry: string | URL; readonly eval: boolean } {
  // Not `new URL('./…', import.meta.url)`: ncc (webpack) would take that for an asset to copy.
  const here = import.meta.url
  if (!here.endsWith('.ts')) return { entry: new URL('parser-thread/index.js', here), eval: false }
  const thread = JSON.stringify(new URL('parser-thread.ts', here).href)
  return {
    entry: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${thread}) })`,
    eval: true
  }
}

/** Called with each batch's aggregate, in each worker's order, which its key ids depend on. */
export type OnParsed = (worker: number, result: FileAggregate) => void

/** A file's outcome: parsed, or why not. */
export class ParseError extends Error {
  constructor(
    reason: string,
    /** An I/O error, which is never a bad file to skip. */
    readonly unreadable: boolean
  ) {
    super(reason)
    this.name = 'ParseError'
  }
}

interface Queued {
  readonly job: ParseJob
  /** With the file's size as read. */
  readonly resolve: (size: number) => void
  readonly reject: (error: Error) => void
}

/** The most files sent in one message: fewer messages, without starving the other thread. */
const BATCH_FILES = 32
/** Batches a worker holds at once: one being parsed, one waiting, so it never waits for us. */
const BATCHES_PER_WORKER = 2
/**
 * A parser thread's young generation: its garbage is short-lived (a file's records), so a small
 * one is collected as fast; Node 24's default let each thread hold about 40 MiB more of it on the
 * bench day, for no gain in time.
 */
const YOUNG_GENERATION_MB = 8

/**
 * Worker threads that parse log files: reading (local files), gunzip, JSON and partial
 * aggregation, off the main thread. Files queue up while every worker is busy, and go out in
 * batches as workers free up.
 */
export class ParserPool {
  private readonly workers: Worker[]
  private readonly busy: number[]
  private readonly sent = new Map<number, readonly Queued[]>()
  private queue: Queued[] = []
  private nextId = 0
  private failure: Error | undefined

  constructor(size: number, options: ParserOptions, onParsed: OnParsed) {
    const thread = parserThread()
    this.workers = Array.from({ length: size }, (_, index) => {
      const worker = new Worker(thread.entry, {
        eval: thread.eval,
        workerData: options,
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
      })
      worker.on('message', (reply: BatchReply) => this.settle(index, reply, onParsed))
      worker.on('error', (error) => this.fail(error))
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`A log parser thread exited with code ${code}`))
      })
      return worker
    })
    this.busy = this.workers.map(() => 0)
  }

  /**
   * Parses one file, resolving with its size as read; rejects with a `ParseError` when it cannot
   * be read or is broken.
   */
  parse(job: ParseJob): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ job, resolve, reject })
      this.pump()
    })
  }

  async close(): Promise<void> {
    this.failure ??= new Error('The log parser threads were stopped')
    await Promise.all(this.workers.map((worker) => worker.terminate()))
  }

  private pump(): void {
    for (;;) {
      if (this.queue.length === 0) return
      let worker = -1
      this.busy.forEach((batches, index) => {
        if (batches < BATCHES_PER_WORKER && (worker < 0 || batches < (this.busy[worker] ?? 0))) {
          worker = index
        }
      })
      if (worker < 0) return
      const files = this.queue.slice(0, BATCH_FILES)
      this.queue = this.queue.slice(files.length)
      const batch: Batch = { id: this.nextId++, files: files.map((file) => owned(file.job)) }
      this.sent.set(batch.id, files)
      this.busy[worker] = (this.busy[worker] ?? 0) + 1
      const transfer = batch.files.flatMap((file) =>
        file.bytes === undefined ? [] : [file.bytes.buffer as ArrayBuffer]
      )
      this.workers[worker]?.postMessage(batch, transfer)
    }
  }

  private settle(worker: number, reply: BatchReply, onParsed: OnParsed): void {
    const files = this.sent.get(reply.id)
    if (files === undefined) return
    this.sent.delete(reply.id)
    this.busy[worker] = (this.busy[worker] ?? 1) - 1
    try {
      onParsed(worker, reply.result)
    } catch (error) {
      this.fail(error as Error)
      return
    }
    const failed = new Map(reply.failures.map((failure) => [failure.index, failure]))
    files.forEach((file, index) => {
      const failure = failed.get(index)
      if (failure === undefined) file.resolve(reply.sizes[index] ?? 0)
      else file.reject(new ParseError(failure.reason, failure.unreadable))
    })
    this.pump()
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const files of this.sent.values()) for (const file of files) file.reject(error)
    for (const file of this.queue) file.reject(error)
    this.sent.clear()
    this.queue = []
  }
}

/** A job whose bytes own their memory: a view into a larger (pooled) buffer is copied first. */
function owned(job: ParseJob): ParseJob {
  const { bytes } = job
  if (
    bytes === undefined ||
    (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
  ) {
    return job
  }
  return { ...job, bytes: new Uint8Array(bytes) }
}
