import { gunzipSync } from 'node:zlib'
import { FileAggregator, type FileAggregate, type ParserOptions } from './aggregate.js'
import { Captures } from './captures.js'
import { recordFields } from './record.js'
import { DeliveryScanner } from './scanner.js'
import { Shapes } from './shapes.js'

export type { FileAggregate, ParserOptions } from './aggregate.js'

export interface LogParser {
  /** Throws an `Error` whose message says why the file is not a readable CloudTrail log file. */
  parse(bytes: Uint8Array, gzipped: boolean): FileAggregate
}

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
  if (input.length < 18) return GUNZIP_CHUNK
  const at = input.length - 4
  const size =
    ((input[at] as number) |
      ((input[at + 1] as number) << 8) |
      ((input[at + 2] as number) << 16) |
      ((input[at + 3] as number) << 24)) >>>
    0
  return Math.min(Math.max(size + 1, GUNZIP_CHUNK), GUNZIP_MAX_CHUNK)
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
  return {
    parse(input, gzipped) {
      const bytes = gzipped && input.length > 0 ? gunzip(input) : asBuffer(input)
      // An empty file is an empty delivery, not a broken one.
      if (bytes.length === 0) {
        return {
          records: 0,
          newKeys: [],
          counts: new Uint32Array(0),
          eventIds: new Uint32Array(0),
          ruleRows: []
        }
      }
      scanner.load(bytes)
      // The scanner has its own copy: a large file's JSON is not held twice while it is read.
      if (bytes.buffer !== input.buffer && bytes.buffer.byteLength > Buffer.poolSize) free(bytes)
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
  }
}

function gunzip(input: Uint8Array): Buffer {
  try {
    return gunzipSync(input, { chunkSize: outputSize(input) })
  } catch (error) {
    const code = (error as { code?: string }).code
    throw new Error(
      code === 'Z_BUF_ERROR'
        ? 'truncated gzip: the file ends before its compressed data does'
        : `not valid gzip: ${(error as Error).message}`
    )
  }
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
