import { createGunzip, gunzipSync } from 'node:zlib'
import { FileAggregator, type FileAggregate, type ParserOptions } from './aggregate.js'
import { Captures } from './captures.js'
import { recordFields } from './record.js'
import { DeliveryScanner } from './scanner.js'
import { Shapes } from './shapes.js'

export type { FileAggregate, ParserOptions } from './aggregate.js'

export interface LogParser {
  /** Throws an `Error` whose message says why the file is not a readable CloudTrail log file. */
  parse(bytes: Uint8Array, gzipped: boolean): FileAggregate
  /**
   * `parse` for a gzipped file, gunzipped in pieces straight into the scanner's memory: for a
   * large one (`inPieces`), whose JSON would otherwise be held twice while it is copied there.
   */
  parseInPieces(bytes: Uint8Array): Promise<FileAggregate>
}

/**
 * Whether a gzipped file is large enough, by its trailer, to be gunzipped in pieces: from 4 MiB of
 * JSON, where the memory saved outweighs the cost of a stream (CloudTrail's usual deliveries are
 * far smaller, and read whole).
 */
export function inPieces(gzipped: Uint8Array): boolean {
  return trailerSize(gzipped) >= IN_PIECES_FROM
}

const IN_PIECES_FROM = 4 * 1024 * 1024
/** The pieces, when a large file is gunzipped in pieces. */
const PIECE = 1024 * 1024
/** Deflate's largest ratio: what a file's JSON can be at most, whatever its trailer claims. */
const DEFLATE_MAX_RATIO = 1032

/** Output in larger pieces than zlib's default 16 KiB: a quarter less time in gunzip. */
const GUNZIP_CHUNK = 256 * 1024
/** The largest single piece asked for, whatever a file's trailer claims. */
const GUNZIP_MAX_CHUNK = 256 * 1024 * 1024

/**
 * zlib's output piece for a file: its whole JSON in one piece when the gzip trailer tells its size
 * (ISIZE, the last 4 bytes), one byte more so the piece is never exactly full. In pieces, zlib
 * joins them into a second copy at the end, which doubled a large delivery's peak memory. A
 * trailer that lies (or a file of several gzip members) only changes the piece size: the output
 * is the same.
 */
function outputSize(input: Uint8Array): number {
  return Math.min(Math.max(trailerSize(input) + 1, GUNZIP_CHUNK), GUNZIP_MAX_CHUNK)
}

/** The size of a gzipped file's JSON by its trailer (ISIZE, the last 4 bytes), or 0 if too short. */
function trailerSize(input: Uint8Array): number {
  if (input.length < 18) return 0
  const at = input.length - 4
  return (
    ((input[at] as number) |
      ((input[at + 1] as number) << 8) |
      ((input[at + 2] as number) << 16) |
      ((input[at + 3] as number) << 24)) >>>
    0
  )
}

/**
 * Makes a parser of CloudTrail log files. It reads the bytes itself instead of `JSON.parse`: it
 * validates the whole document as strictly as `JSON.parse` does, but makes strings only of the few
 * fields the aggregate and the rules need, and makes each distinct one once; it reads a record with
 * `JSON.parse` only when a rule or the evidence needs more of it. That is what lets the local engine
 * outrun DuckDB's `read_json`.
 */
export function createLogParser(options: ParserOptions): LogParser {
  const paths = recordFields(options.rules.map((rule) => rule.condition))
  const captures = new Captures(paths.length)
  const scanner = new DeliveryScanner(new Shapes(paths), captures)
  const aggregator = new FileAggregator(options, captures, paths)
  const addRecord = (): void => aggregator.add()
  /** Reads the document the scanner holds, of `length` bytes. */
  const read = (length: number): FileAggregate => {
    // An empty file is an empty delivery, not a broken one.
    if (length === 0) {
      return {
        records: 0,
        newKeys: [],
        counts: new Uint32Array(0),
        eventIds: new Uint32Array(0),
        ruleRows: []
      }
    }
    aggregator.begin()
    let records: number
    try {
      records = scanner.scan(addRecord)
    } catch (error) {
      aggregator.abandon()
      throw error
    } finally {
      captures.release()
    }
    return aggregator.finish(records)
  }
  return {
    parse(input, gzipped) {
      const bytes = gzipped && input.length > 0 ? gunzip(input) : asBuffer(input)
      const length = bytes.length
      scanner.load(bytes)
      // The scanner has its own copy: a large file's JSON is not held twice while it is read.
      if (bytes.buffer !== input.buffer && bytes.buffer.byteLength > Buffer.poolSize) free(bytes)
      return read(length)
    },
    async parseInPieces(input) {
      scanner.start(Math.min(trailerSize(input), input.length * DEFLATE_MAX_RATIO))
      try {
        await gunzipInPieces(input, (piece) => scanner.append(piece))
      } catch (error) {
        scanner.abandon()
        throw error
      }
      return read(scanner.finish())
    }
  }
}

/**
 * Gunzips a file in pieces, giving each to `take` and then its memory back (`free`), rather than at
 * the next collection: left to it, a 60 MB delivery's pieces piled up and took more than reading
 * it whole. A piece that fills its buffer is freed: zlib is done with that buffer (it takes a new
 * one when one is full); the last, partial one is left to the collector. Throws what `take`
 * throws, or the error `gunzip` throws for the same file.
 */
async function gunzipInPieces(input: Uint8Array, take: (piece: Buffer) => void): Promise<void> {
  const stream = createGunzip({ chunkSize: PIECE })
  stream.end(input)
  let taking = false
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      taking = true
      take(piece)
      taking = false
      if (piece.byteOffset === 0 && piece.length === piece.buffer.byteLength) free(piece)
    }
  } catch (error) {
    throw taking ? error : gunzipError(error)
  }
}

function gunzip(input: Uint8Array): Buffer {
  try {
    return gunzipSync(input, { chunkSize: outputSize(input) })
  } catch (error) {
    throw gunzipError(error)
  }
}

function gunzipError(error: unknown): Error {
  const code = (error as { code?: string }).code
  return new Error(
    code === 'Z_BUF_ERROR'
      ? 'truncated gzip: the file ends before its compressed data does'
      : `not valid gzip: ${(error as Error).message}`
  )
}

/**
 * Gives the memory of a file's gunzipped JSON back at once, by detaching its buffer, rather than
 * at the next collection: a thread goes through hundreds of files between two collections, and
 * their JSON, each in its own 256 KiB piece or more, took over 100 MiB of a bench day's peak.
 * Nothing points into it: the scanner reads its own copy, and strings are copies. Only a buffer larger than
 * Node's shared pool is freed: a small output may sit in the pool with other live buffers (the
 * file's own bytes among them). `transfer` is Node 22's.
 */
function free(bytes: Buffer): void {
  ;(bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }).transfer?.(0)
}

function asBuffer(input: Uint8Array): Buffer {
  return Buffer.from(input.buffer, input.byteOffset, input.length)
}
