import { describe, expect, it } from 'vitest'
import {
  type FileAggregate,
  FileAggregator,
  type ParserOptions
} from '../src/engine/local/parser/aggregate.js'
import { Captures } from '../src/engine/local/parser/captures.js'
import { Hash64 } from '../src/engine/local/parser/hash.js'
import { recordFields } from '../src/engine/local/parser/record.js'
import type { RuleData } from '../src/engine/local/parser/rules.js'
import { DeliveryScanner } from '../src/engine/local/parser/scanner.js'
import { Shapes } from '../src/engine/local/parser/shapes.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'

const OPTIONS: ParserOptions = {
  start: '2026-11-01',
  end: '2026-11-01',
  byEventTime: false,
  dedupe: true,
  rules: BUILTIN_RULES,
  evidenceLimit: 100
}

const RECORD = {
  eventTime: '2026-11-01T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  awsRegion: 'eu-west-1',
  recipientAccountId: '111122223333',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' }
}
const KEY = JSON.stringify([
  '111122223333',
  'eu-west-1',
  's3.amazonaws.com',
  'ListBuckets',
  '2026-11-01',
  '',
  'IAMUser',
  'arn:aws:iam::111122223333:user/alice',
  '',
  ''
])

/** An aggregator fed by a scanner, and a function that adds up one file of records with it. */
function aggregator(options: Partial<ParserOptions> = {}) {
  const settings = { ...OPTIONS, ...options }
  const paths = recordFields(settings.rules.map((rule) => rule.condition))
  const captures = new Captures(paths.length)
  const scanner = new DeliveryScanner(new Shapes(paths), captures)
  const files = new FileAggregator(settings, captures, paths)
  const file = (...records: readonly object[]) => {
    scanner.load(Buffer.from(JSON.stringify({ Records: records })))
    files.begin()
    return files.finish(scanner.scan(() => files.add()))
  }
  return { files, file, scanner }
}

/** The (high, low) hash of an event id under the key whose values are `key`. */
function eventHash(key: string, eventId: string): [number, number] {
  const hash = new Hash64()
  hash.ofString(key, 0x243f6a88, 0x85a308d3)
  hash.ofString(eventId, hash.high, hash.low)
  return [hash.high, hash.low]
}

describe('the aggregate of a log file', () => {
  it('has the new keys, the counts of events without an id, and the hashes of those with one', () => {
    const { file } = aggregator()
    const result = file({ ...RECORD, eventID: 'e1' }, { ...RECORD, eventID: 'e1' }, RECORD, {
      ...RECORD,
      eventID: 'é2'
    })
    expect(result).toEqual({
      records: 4,
      newKeys: [KEY],
      counts: Uint32Array.from([0, 1]),
      eventIds: Uint32Array.from([
        0,
        ...eventHash(KEY, 'e1'),
        0,
        ...eventHash(KEY, 'e1'),
        0,
        ...eventHash(KEY, 'é2')
      ]),
      ruleRows: []
    })
  })

  it('keeps its keys from file to file: only a key not seen before is new, counts start again', () => {
    const { file } = aggregator({ dedupe: false })
    file(RECORD, RECORD)
    const denied = { ...RECORD, errorCode: 'AccessDenied' }
    const second = file(denied, RECORD, denied)
    expect(second.newKeys.map((key) => JSON.parse(key) as string[])).toEqual([
      [
        ...(JSON.parse(KEY) as string[]).slice(0, 5),
        'AccessDenied',
        'IAMUser',
        RECORD.userIdentity.arn,
        '',
        'unauthorized-calls'
      ]
    ])
    expect(Array.from(second.counts)).toEqual([1, 2, 0, 1])
    expect(second.eventIds).toEqual(new Uint32Array(0))
  })

  it('without dedupe, counts every record, with an event id or not', () => {
    const { file } = aggregator({ dedupe: false })
    expect(
      Array.from(file({ ...RECORD, eventID: 'e1' }, { ...RECORD, eventID: 'e1' }).counts)
    ).toEqual([0, 2])
  })

  it('by event time, counts only the records dated in the window', () => {
    const { file } = aggregator({ byEventTime: true, dedupe: false })
    const result = file(
      { ...RECORD, eventTime: '2026-10-31T23:59:59Z' },
      RECORD,
      { ...RECORD, eventTime: '2026-11-02T00:00:00Z' },
      { ...RECORD, eventTime: 'yesterday' }
    )
    expect(result.records).toBe(4)
    expect(result.newKeys).toEqual([KEY])
    expect(Array.from(result.counts)).toEqual([0, 1])
  })

  it('takes a broken file back: its keys are new again in the next file, its counts gone', () => {
    const { file, files, scanner } = aggregator({ dedupe: false })
    file(RECORD)
    scanner.load(
      Buffer.from(JSON.stringify({ Records: [RECORD, { ...RECORD, eventName: 'B' }] }).slice(0, -2))
    )
    files.begin()
    expect(() => scanner.scan(() => files.add())).toThrow('not valid JSON')
    files.abandon()
    const next = file({ ...RECORD, eventName: 'C' }, { ...RECORD, eventName: 'B' }, RECORD)
    expect(next.newKeys.map((key) => (JSON.parse(key) as string[])[3])).toEqual(['C', 'B'])
    expect(Array.from(next.counts)).toEqual([1, 1, 2, 1, 0, 1])
  })

  it('makes the evidence of only the records findings.csv can list; a broken file takes no place', () => {
    const listBuckets: RuleData = {
      key: 'list',
      condition: {
        kind: 'match',
        field: {
          path: 'eventName',
          source: { kind: 'column', column: 'eventname', keys: ['eventName'] }
        },
        test: { kind: 'pattern', parts: [{ text: 'listbuckets' }], cased: false }
      }
    }
    const { file, files, scanner } = aggregator({
      rules: [listBuckets],
      evidenceLimit: 1
    })
    const at = (time: string, eventID: string) => ({
      ...RECORD,
      eventTime: `2026-11-01T${time}Z`,
      eventID
    })
    const evidenceIds = (result: FileAggregate) =>
      result.ruleRows.flatMap((row) => row.evidence.map((item) => item.eventid))
    expect(evidenceIds(file(at('10:00:00', 'e10')))).toEqual(['e10'])
    expect(evidenceIds(file(at('11:00:00', 'e11')))).toEqual([])
    scanner.load(Buffer.from(JSON.stringify({ Records: [at('09:00:00', 'e9')] }).slice(0, -2)))
    files.begin()
    expect(() => scanner.scan(() => files.add())).toThrow('not valid JSON')
    files.abandon()
    expect(evidenceIds(file(at('09:45:00', 'e945')))).toEqual(['e945'])
    expect(evidenceIds(file(at('09:30:00', 'e930')))).toEqual(['e930'])
    expect(evidenceIds(file(at('09:40:00', 'e940')))).toEqual([])
  })
})
