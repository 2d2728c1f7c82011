import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { parseBatch } from '../src/engine/local/batches.js'
import { createLogParser } from '../src/engine/local/parser/parser.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'

const parser = () =>
  createLogParser({
    start: '2026-11-01',
    end: '2026-11-01',
    byEventTime: false,
    dedupe: false,
    rules: BUILTIN_RULES,
    evidenceLimit: 100
  })

const record = (eventName: string) => ({
  eventTime: '2026-11-01T10:00:00Z',
  eventName,
  recipientAccountId: '111122223333'
})
const file = (...names: string[]) => Buffer.from(JSON.stringify({ Records: names.map(record) }))

describe('a batch of files in a parser thread', () => {
  it('is parsed into one aggregate, reading the files sent by path', async () => {
    const files: Record<string, Uint8Array> = { '/logs/b.json.gz': gzipSync(file('B', 'A')) }
    const reply = await parseBatch(
      parser(),
      {
        id: 7,
        files: [
          { path: 'a.json', gzipped: false, bytes: file('A', 'A') },
          { path: '/logs/b.json.gz', gzipped: true }
        ]
      },
      (path) => files[path] as Uint8Array
    )
    expect(reply.id).toBe(7)
    expect(reply.failures).toEqual([])
    expect(reply.result.records).toBe(4)
    expect(reply.result.newKeys.map((key) => (JSON.parse(key) as string[])[3])).toEqual(['A', 'B'])
    expect(Array.from(reply.result.counts)).toEqual([0, 2, 1, 1, 0, 1])
    expect(reply.result.eventIds).toEqual(new Uint32Array(0))
  })

  it('says which files failed, and whether they could be read at all', async () => {
    const reply = await parseBatch(
      parser(),
      {
        id: 1,
        files: [
          { path: 'gone.json', gzipped: false },
          { path: 'broken.json', gzipped: false, bytes: Buffer.from('{"Records":[') },
          { path: 'good.json', gzipped: false, bytes: file('A') }
        ]
      },
      (path) => {
        throw new Error(`ENOENT: no such file or directory, open '${path}'`)
      }
    )
    expect(reply.failures).toEqual([
      {
        index: 0,
        reason: "ENOENT: no such file or directory, open 'gone.json'",
        unreadable: true
      },
      { index: 1, reason: 'not valid JSON: unexpected end of the document', unreadable: false }
    ])
    expect(reply.result.records).toBe(1)
    expect(Array.from(reply.result.counts)).toEqual([0, 1])
  })
})
