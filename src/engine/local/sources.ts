import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { s3Url } from '../../plan/layout.js'
import { ARCHIVED_STORAGE_CLASSES } from '../archived.js'
import type { RunContext } from '../../run/context.js'
import { formatCount } from '../../format.js'
import { withRetry } from '../../run/retry.js'
import { listPages } from '../../run/s3-pages.js'
import { callFailure } from '../../run/sdk-retry.js'

/** One log file of a day folder, not read yet. */
export interface LogFile {
  /** Where it is, as the user would write it: a local path or an `s3://` URL. */
  readonly path: string
  readonly gzipped: boolean
  /** Its bytes; absent for a local file, which a parser thread reads itself. */
  readonly fetch?: (signal: AbortSignal) => Promise<Uint8Array>
  /** Its archive storage class, when it must be restored before it can be read: not fetched. */
  readonly archived?: string
}

/** Where log files come from: the files of one day folder, given its key. */
export interface LogSource {
  list(folderKey: string, signal: AbortSignal): AsyncIterable<LogFile>
  /** How many files to have in hand at once: enough to keep the parser threads fed. */
  readonly concurrency: number
}

/**
 * A delivered log file: `…_CloudTrail_REGION_YYYYMMDDTHHMMZ_RANDOM.json.gz` directly in the day
 * folder. Plain `.json` is read too, for trails copied out of S3 and decompressed.
 */
function logFileKind(name: string): { gzipped: boolean } | undefined {
  if (name.includes('/')) return undefined
  if (name.endsWith('.json.gz')) return { gzipped: true }
  if (name.endsWith('.json')) return { gzipped: false }
  return undefined
}

/** A directory laid out like the bucket (`logs-dir`). */
export function directorySource(root: string): LogSource {
  return {
    concurrency: 64,
    async *list(folderKey) {
      const folder = join(root, folderKey)
      let entries
      try {
        entries = await readdir(folder, { withFileTypes: true })
      } catch (error) {
        // A day folder that is not there is a day without activity in that region.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
        throw error
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const kind = logFileKind(entry.name)
        if (kind === undefined || !(entry.isFile() || entry.isSymbolicLink())) continue
        yield { path: join(folder, entry.name), gzipped: kind.gzipped }
      }
    }
  }
}

/** How the bucket is read: the run's log (each retry is said) and, for tests, its page size. */
export interface BucketReadOptions extends Omit<RunContext, 'signal'> {
  /** Keys per `ListObjectsV2` page. */
  readonly pageSize?: number
}

/**
 * The bucket itself: one `ListObjectsV2` prefix per day folder, a page of up to `pageSize` keys
 * at a time, objects streamed in.
 *
 * The SDK retries a request that fails before its response is handed over (throttling, HTTP 5xx,
 * a connection reset). It cannot retry an object whose body breaks off while it is being read,
 * after `send` has returned: that object is fetched again, whole, here. An object reaches the
 * parser only once all its bytes are in, so no attempt's partial data is ever counted.
 */
export function bucketSource(s3: S3Client, bucket: string, options: BucketReadOptions): LogSource {
  const pageSize = options.pageSize ?? 1000
  return {
    concurrency: 32,
    async *list(folderKey, signal) {
      const pages = listPages(
        s3,
        { Bucket: bucket, Prefix: folderKey, MaxKeys: pageSize },
        { signal, also: ` (listing ${s3Url(bucket, folderKey)})` }
      )
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          const key = object.Key ?? ''
          const kind = logFileKind(key.slice(folderKey.length))
          if (kind === undefined) continue
          const path = s3Url(bucket, key)
          if (
            object.StorageClass !== undefined &&
            ARCHIVED_STORAGE_CLASSES.has(object.StorageClass)
          ) {
            yield { path, gzipped: kind.gzipped, archived: object.StorageClass }
            continue
          }
          yield {
            path,
            gzipped: kind.gzipped,
            fetch: (fetchSignal) =>
              withRetry(`Reading ${path}`, () => getObject(s3, bucket, key, fetchSignal), {
                log: options.log,
                sleep: options.sleep,
                random: options.random,
                signal: fetchSignal,
                retryable: (error) => (error instanceof CutBody ? error.message : undefined)
              })
          }
        }
      }
    }
  }
}

/**
 * An object S3 will not hand over until it is restored: one in an Intelligent-Tiering archive tier
 * (which the listing does not show), or archived after it was listed.
 */
export class ArchivedObject extends Error {
  constructor(path: string, cause: unknown) {
    super(`${path} is archived: ${(cause as Error).message}`, { cause })
    this.name = 'ArchivedObject'
  }
}

/** An object's body that broke off while it was read: the connection, not the object, failed. */
class CutBody extends Error {
  constructor(received: number, expected: number | undefined, cause: unknown) {
    const of = expected === undefined ? '' : ` of ${formatCount(expected)}`
    super(`was cut off after ${formatCount(received)}${of} bytes (${errorText(cause)})`, { cause })
    this.name = 'CutBody'
  }
}

/** `ECONNRESET: aborted`: Node.js's message alone does not say what went wrong. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const { code } = error as NodeJS.ErrnoException
  return code === undefined || error.message.includes(code)
    ? error.message
    : `${code}: ${error.message}`
}

async function getObject(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal
): Promise<Uint8Array> {
  let object
  try {
    object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal
    })
  } catch (error) {
    if (signal.aborted) throw error
    // S3's answer for an object in an archive storage class or tier.
    if ((error as Error).name === 'InvalidObjectState') {
      throw new ArchivedObject(s3Url(bucket, key), error)
    }
    throw new Error(callFailure('S3 GetObject', error), { cause: error })
  }
  // In Node.js the SDK's body is a Readable, which iterates over Buffers.
  const body = object.Body as AsyncIterable<Uint8Array> | undefined
  if (body === undefined) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    for await (const chunk of body) {
      chunks.push(chunk)
      length += chunk.length
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason
    throw new CutBody(length, object.ContentLength, error)
  }
  // One allocation of the object's own size, so it can move to a worker without a copy.
  const bytes = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return bytes
}
