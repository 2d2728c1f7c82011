/**
 * What keeps the local engine's memory bounded: a parser thread holds nothing of a file past it
 * (its bytes, records, evidence), only what grows with distinct keys and texts, so reading more
 * files of the same keys leaves its live heap where it was.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'
import { parseBatch } from '../src/engine/local/batches.js'
import { createLogParser, inPieces, type ParserOptions } from '../src/engine/local/parser/parser.js'

setFlagsFromString('--expose_gc')
const gc = runInNewContext('gc') as () => void

/** The live heap after a full collection. */
function liveHeap(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** Delivery `n`: 200 records of a few keys, each with its own eventID, time and parameters. */
function delivery(n: number): Uint8Array {
  const records = Array.from({ length: 200 }, (_, i) => ({
    eventVersion: '1.09',
    eventTime: `2026-11-01T10:${String(i % 60).padStart(2, '0')}:00Z`,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: i % 2 === 0 ? 'StopLogging' : 'DescribeTrails',
    awsRegion: 'us-east-1',
    recipientAccountId: '111122223333',
    eventID: `file-${n}-record-${i}`,
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
    requestParameters: { name: `trail-${n}-${i}`, padding: 'x'.repeat(400) },
    resources: [{ ARN: `arn:aws:cloudtrail:us-east-1:111122223333:trail/t${n}` }]
  }))
  return gzipSync(JSON.stringify({ Records: records }))
}

const OPTIONS: ParserOptions = {
  start: '2026-11-01',
  end: '2026-11-01',
  byEventTime: true,
  dedupe: true,
  rules: BUILTIN_RULES,
  evidenceLimit: 100
}

describe('a parser thread reading many files', () => {
  it('keeps no more live heap after 600 more files of the same keys', async () => {
    const parser = createLogParser(OPTIONS)
    // The same files for every batch: what is measured is the parser, not the test's inputs.
    const files = Array.from({ length: 10 }, (_, n) => delivery(n))
    const read = async (batches: number): Promise<void> => {
      for (let batch = 0; batch < batches; batch++) {
        const reply = await parseBatch(
          parser,
          { id: batch, files: files.map((bytes, n) => ({ path: `f${n}`, gzipped: true, bytes })) },
          () => {
            throw new Error('read from bytes only')
          }
        )
        expect(reply.failures).toEqual([])
        expect(reply.result.records).toBe(files.length * 200)
      }
    }
    await read(3)
    const before = liveHeap()
    await read(60)
    const after = liveHeap()
    expect(after - before).toBeLessThan(2 * 1024 * 1024)
  })
})

describe('a parsed file', () => {
  it('leaves nothing of its gunzipped JSON behind, even before a collection', () => {
    const parser = createLogParser(OPTIONS)
    const files = Array.from({ length: 20 }, (_, n) => delivery(n))
    const json = files.reduce((bytes, file) => bytes + gunzipSync(file).length, 0)
    liveHeap()
    const before = process.memoryUsage().arrayBuffers
    for (const file of files) expect(parser.parse(file, true).records).toBe(200)
    const held = process.memoryUsage().arrayBuffers - before
    // Without freeing, each file's JSON (about 140 kB, in a 256 KiB piece) stays until a collection.
    expect(held).toBeLessThan(json / 10)
  })

  it('gunzipped in pieces, gives back each piece as it goes, not at the next collection', async () => {
    const parser = createLogParser(OPTIONS)
    const records = Array.from({ length: 150 }, (_, n) => gunzipSync(delivery(n)).toString())
    const json = `{"Records":[${records.map((text) => text.slice(12, -2)).join(',')}]}`
    const large = gzipSync(json)
    expect(inPieces(large)).toBe(true)
    liveHeap()
    const before = process.memoryUsage().arrayBuffers
    expect((await parser.parseInPieces(large)).records).toBe(150 * 200)
    const held = process.memoryUsage().arrayBuffers - before
    // Without freeing, its 1 MiB pieces (about 20 of them) stay until a collection.
    expect(held).toBeLessThan(json.length / 10)
  })
})
