import type { RuleRowPart } from './parser/aggregate.js'
import { type FileAggregate, inPieces, type LogParser } from './parser/parser.js'

/** A file for a parser thread: its bytes (moved, not copied), or a local path it reads itself. */
export interface ParseJob {
  readonly path: string
  readonly gzipped: boolean
  readonly bytes?: Uint8Array
}

/** The files the pool sends a parser thread in one message. */
export interface Batch {
  readonly id: number
  readonly files: readonly ParseJob[]
}

/** Why a file of a batch was not counted. */
export interface Failure {
  readonly index: number
  readonly reason: string
  /** The file could not be read at all (an I/O error), as opposed to read and found broken. */
  readonly unreadable: boolean
}

/** A parser thread's answer to a batch. */
export interface BatchReply {
  readonly id: number
  /** The batch's good files, aggregated. */
  readonly result: FileAggregate
  readonly failures: readonly Failure[]
  /** Each file's size as read (gzipped or not), by its index in the batch; 0 for a failure. */
  readonly sizes: readonly number[]
}

/**
 * Parses a batch of files into one aggregate, reading those sent by path with `read`: in a parser
 * thread, so that the main thread has nothing to do but merge. A large gzipped file is gunzipped
 * in pieces (`inPieces`), the rest whole.
 */
export async function parseBatch(
  parser: LogParser,
  batch: Batch,
  read: (path: string) => Uint8Array
): Promise<BatchReply> {
  const newKeys: string[] = []
  const counts: Uint32Array[] = []
  const eventIds: Uint32Array[] = []
  const ruleRows: RuleRowPart[] = []
  const failures: Failure[] = []
  const sizes = batch.files.map(() => 0)
  let records = 0
  for (const [index, file] of batch.files.entries()) {
    let bytes = file.bytes
    if (bytes === undefined) {
      try {
        bytes = read(file.path)
      } catch (error) {
        failures.push({ index, reason: (error as Error).message, unreadable: true })
        continue
      }
    }
    try {
      const result =
        file.gzipped && inPieces(bytes)
          ? await parser.parseInPieces(bytes)
          : parser.parse(bytes, file.gzipped)
      records += result.records
      newKeys.push(...result.newKeys)
      counts.push(result.counts)
      eventIds.push(result.eventIds)
      ruleRows.push(...result.ruleRows)
      sizes[index] = bytes.length
    } catch (error) {
      failures.push({ index, reason: (error as Error).message, unreadable: false })
    }
  }
  const result = { records, newKeys, counts: join(counts), eventIds: join(eventIds), ruleRows }
  return { id: batch.id, result, failures, sizes }
}

function join(parts: readonly Uint32Array[]): Uint32Array<ArrayBuffer> {
  const joined = new Uint32Array(parts.reduce((length, part) => length + part.length, 0))
  let at = 0
  for (const part of parts) {
    joined.set(part, at)
    at += part.length
  }
  return joined
}
