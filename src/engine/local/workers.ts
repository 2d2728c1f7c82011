import { Worker } from 'node:worker_threads'
import { compileCondition } from './flags.js'
import { createLogParser, type FileAggregate, type ParserOptions } from './parse.js'

/** A file for a parser thread: its bytes (moved, not copied), or a local path it reads itself. */
export interface ParseJob {
  readonly path: string
  readonly gzipped: boolean
  readonly bytes?: Uint8Array
}

/** Why a file of a batch was not counted. */
interface Failure {
  readonly index: number
  readonly reason: string
  /** The file could not be read at all (an I/O error), as opposed to read and found broken. */
  readonly unreadable: boolean
}

interface Batch {
  readonly id: number
  readonly files: readonly ParseJob[]
}

interface BatchReply {
  readonly id: number
  /** The batch's good files, aggregated. */
  readonly result: FileAggregate
  readonly failures: readonly Failure[]
}

/**
 * What a worker runs: a parser answering one message per batch of files, in order. Local files
 * are read here, not in the main thread, which then has nothing to do but merge. Self-contained.
 */
function serveParser(makeParser: typeof createLogParser, compile: typeof compileCondition): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads')
  const { readFileSync } = process.getBuiltinModule('node:fs')
  const parser = makeParser(workerData as ParserOptions, compile)
  parentPort?.on('message', (batch: Batch) => {
    const newKeys: string[] = []
    const counts: Uint32Array[] = []
    const eventIds: Uint32Array[] = []
    const failures: Failure[] = []
    let records = 0
    batch.files.forEach((file, index) => {
      let bytes = file.bytes
      if (bytes === undefined) {
        try {
          bytes = readFileSync(file.path)
        } catch (error) {
          failures.push({ index, reason: (error as Error).message, unreadable: true })
          return
        }
      }
      try {
        const result = parser.parse(bytes, file.gzipped)
        records += result.records
        newKeys.push(...result.newKeys)
        counts.push(result.counts)
        eventIds.push(result.eventIds)
      } catch (error) {
        failures.push({ index, reason: (error as Error).message, unreadable: false })
      }
    })
    const join = (parts: readonly Uint32Array[]): Uint32Array<ArrayBuffer> => {
      const joined = new Uint32Array(parts.reduce((length, part) => length + part.length, 0))
      let at = 0
      for (const part of parts) {
        joined.set(part, at)
        at += part.length
      }
      return joined
    }
    const result = { records, newKeys, counts: join(counts), eventIds: join(eventIds) }
    const reply: BatchReply = { id: batch.id, result, failures }
    parentPort.postMessage(reply, [result.counts.buffer, result.eventIds.buffer])
  })
}

/**
 * Workers run from source text (`eval: true`), not from a file: the action and the CLI are each
 * one ncc bundle, which has no separate worker file to point at, and the same text also works
 * under tsx and Vitest, which run the TypeScript source. The text is the three functions,
 * whatever the tool that compiled them made of them (each is passed as an expression, so a name a
 * bundler gives a function is only ever used inside it); esbuild (tsx) wraps named functions in a
 * `__name(fn, 'name')` helper defined outside them, hence the stand-in.
 */
const WORKER_SOURCE = [
  "'use strict'",
  'const __name = (target) => target',
  `;(${serveParser.toString()})(${createLogParser.toString()}, ${compileCondition.toString()})`
].join('\n')

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
  readonly resolve: () => void
  readonly reject: (error: Error) => void
}

/** The most files sent in one message: fewer messages, without starving the other thread. */
const BATCH_FILES = 32
/** Batches a worker holds at once: one being parsed, one waiting, so it never waits for us. */
const BATCHES_PER_WORKER = 2

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
    this.workers = Array.from({ length: size }, (_, index) => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: options })
      worker.on('message', (reply: BatchReply) => this.settle(index, reply, onParsed))
      worker.on('error', (error) => this.fail(error))
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`A log parser thread exited with code ${code}`))
      })
      return worker
    })
    this.busy = this.workers.map(() => 0)
  }

  /** Parses one file; rejects with a `ParseError` when it cannot be read or is broken. */
  parse(job: ParseJob): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    return new Promise<void>((resolve, reject) => {
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
      if (failure === undefined) file.resolve()
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
