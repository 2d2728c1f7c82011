import fc from 'fast-check'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { EventIdSet } from '../src/engine/local/dedupe.js'
import {
  createLogParser,
  inPieces,
  type LogParser,
  type ParserOptions
} from '../src/engine/local/parser/parser.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'

const OPTIONS: ParserOptions = {
  start: '2026-11-01',
  end: '2026-11-01',
  byEventTime: false,
  dedupe: true,
  rules: BUILTIN_RULES,
  evidenceLimit: 100
}

function parser(options: Partial<ParserOptions> = {}): LogParser {
  return createLogParser({ ...OPTIONS, ...options })
}

/** The events per key (the key's values joined with `|`) of the given documents. */
function counts(documents: readonly string[], options: Partial<ParserOptions> = {}) {
  const logParser = parser(options)
  const keys: string[] = []
  const events: Record<string, number> = {}
  const seen = new EventIdSet()
  for (const document of documents) {
    const file = logParser.parse(Buffer.from(document), false)
    keys.push(...file.newKeys.map((key) => (JSON.parse(key) as string[]).join('|')))
    const add = (id: number) => {
      const key = keys[id] as string
      events[key] = (events[key] ?? 0) + 1
    }
    for (let i = 0; i < file.counts.length; i += 2) {
      for (let n = 0; n < (file.counts[i + 1] as number); n++) add(file.counts[i] as number)
    }
    for (let i = 0; i < file.eventIds.length; i += 3) {
      if (seen.add(file.eventIds[i + 1] as number, file.eventIds[i + 2] as number)) {
        add(file.eventIds[i] as number)
      }
    }
  }
  return events
}

const delivery = (...records: readonly unknown[]): string => JSON.stringify({ Records: records })

const RECORD = {
  eventTime: '2026-11-01T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  awsRegion: 'eu-west-1',
  recipientAccountId: '111122223333',
  eventID: 'e1',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' }
}
const KEY =
  '111122223333|eu-west-1|s3.amazonaws.com|ListBuckets|2026-11-01||IAMUser|arn:aws:iam::111122223333:user/alice||'

/** One parser for every verdict, as a parser thread keeps one for all its files. */
const judge = parser()

function verdict(text: string): 'valid' | 'invalid' {
  try {
    judge.parse(Buffer.from(text), false)
    return 'valid'
  } catch (error) {
    return (error as Error).message.startsWith('not valid JSON') ? 'invalid' : 'valid'
  }
}

describe('the log parser reads JSON', () => {
  it('accepts exactly the documents JSON.parse accepts', () => {
    const damaged = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom(
          '',
          '"',
          '\\',
          '{',
          '}',
          '[',
          ']',
          ',',
          ':',
          ' ',
          'x',
          '0',
          '-',
          '.',
          'e',
          '\u0001',
          'nul',
          '\\u12',
          '"\\"'
        )
      )
      .map(([json, at, insert]) => {
        const text = `{"Records":[${json}]}`
        const cut = at % (text.length + 1)
        return text.slice(0, cut) + insert + text.slice(cut + (at % 3 === 0 ? 1 : 0))
      })
    fc.assert(
      fc.property(fc.oneof(damaged, fc.json(), fc.string({ minLength: 1 })), (text) => {
        let parses = true
        try {
          JSON.parse(text)
        } catch {
          parses = false
        }
        expect(verdict(text)).toBe(parses ? 'valid' : 'invalid')
      }),
      { numRuns: 3000 }
    )
  })

  it.each([
    ['{"Records":[}', 'not valid JSON: unexpected byte at offset 12'],
    ['{"Records":[{"a":01}]}', 'not valid JSON: unexpected byte at offset 18'],
    ['{"Records":["\u0001"]}', 'not valid JSON: unexpected byte at offset 13'],
    ['{"Records":["\\x"]}', 'not valid JSON: unexpected byte at offset 14'],
    ['{"Records":[]} x', 'not valid JSON: unexpected byte at offset 15'],
    ['{"Records":[{"eventName":"x"', 'not valid JSON: unexpected end of the document'],
    ['\ufeff{"Records":[]}', 'not valid JSON: unexpected byte at offset 0']
  ])('says why %j is not JSON', (text, message) => {
    expect(() => parser().parse(Buffer.from(text), false)).toThrow(message)
  })

  it.each([
    ['[]', 'the document is not an object'],
    ['{}', 'it has no "Records" key'],
    ['{"Records":{}}', '"Records" is not an array'],
    ['{"Records":[{}, 1]}', 'Records[1] is not an object'],
    ['{"Records":[],"Records":[]}', 'it has more than one "Records" key']
  ])('says why %j is not a CloudTrail delivery', (text, problem) => {
    expect(() => parser().parse(Buffer.from(text), false)).toThrow(
      `not a CloudTrail log file: ${problem}`
    )
  })

  it('says why a gzip file cannot be read', () => {
    const gzipped = gzipSync(delivery(RECORD))
    expect(() => parser().parse(gzipped.subarray(0, 20), true)).toThrow(
      'truncated gzip: the file ends before its compressed data does'
    )
    expect(() => parser().parse(Buffer.from(delivery(RECORD)), true)).toThrow(
      'not valid gzip: incorrect header check'
    )
  })

  it('reads other keys of the document, and a delivery with extra ones', () => {
    expect(
      counts([JSON.stringify({ before: [1, { a: null }], Records: [RECORD], after: true })])
    ).toEqual({
      [KEY]: 1
    })
  })
})

describe('the log parser aggregates', () => {
  it('takes who acted from the session issuer, the ARN, the invoking service, then the account', () => {
    const issuer = 'arn:aws:iam::111122223333:role/Admin'
    const identities = [
      {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/s',
        sessionContext: { sessionIssuer: { arn: issuer } }
      },
      {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/s',
        sessionContext: { sessionIssuer: { arn: '' } }
      },
      {
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/bob',
        sessionContext: { sessionIssuer: { arn: issuer } }
      },
      { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
      { type: 'AWSAccount', accountId: '999988887777', arn: null, invokedBy: '' },
      { type: 'Unknown' }
    ]
    const events = counts([
      delivery(
        ...identities.map((userIdentity, i) => ({ ...RECORD, eventID: `e${i}`, userIdentity }))
      )
    ])
    expect(Object.keys(events).map((key) => key.split('|').slice(6, 8).join(' '))).toEqual([
      `AssumedRole ${issuer}`,
      'AssumedRole arn:aws:sts::111122223333:assumed-role/Admin/s',
      'IAMUser arn:aws:iam::111122223333:user/bob',
      'AWSService ec2.amazonaws.com',
      'AWSAccount 999988887777',
      'Unknown '
    ])
  })

  it.each([
    ['2026-11-01T23:59:59Z', '2026-11-01'],
    ['2026-11-02T01:30:00+02:00', '2026-11-01'],
    ['2026-10-31T22:00:00.123-02:00', '2026-11-01'],
    ['2026-11-01T10:00:00', '2026-11-01'],
    ['2026-11-01', '2026-11-01'],
    ['2024-02-29T00:00:00Z', '2024-02-29'],
    ['2026-02-29T00:00:00Z', ''],
    ['2026-11-01T24:00:00Z', ''],
    ['yesterday', ''],
    [null, ''],
    [1_730_000_000, '']
  ])('dates an eventTime of %j as %j', (eventTime, date) => {
    const events = counts([delivery({ ...RECORD, eventTime })])
    expect(Object.keys(events).map((key) => key.split('|')[4])).toEqual([date])
  })

  it('by event time, counts only the events dated in the window', () => {
    const events = counts(
      [
        delivery(
          { ...RECORD, eventID: 'a', eventTime: '2026-10-31T23:59:59Z' },
          { ...RECORD, eventID: 'b', eventTime: '2026-11-01T00:00:00Z' },
          { ...RECORD, eventID: 'c', eventTime: '2026-11-02T00:00:00Z' },
          { ...RECORD, eventID: 'd', eventTime: null }
        )
      ],
      { byEventTime: true }
    )
    expect(events).toEqual({ [KEY]: 1 })
  })

  it('reads escaped keys and values as JSON.parse does, and the last of repeated keys', () => {
    const text =
      '{"Records":[{"event\\u004eame":"List\\u0042uckets","eventName":"ignored","eventSource":"s3.amazonaws.com",' +
      '"eventSource":"s3.amazonaws.com","eventTime":"2026-11-01T10:00:00Z","awsRegion":"eu-west-1",' +
      '"recipientAccountId":"111122223333","eventID":"e1","userIdentity":{"type":"IAMUser"},' +
      '"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}}]}'
    expect(counts([text.replace('"eventName":"ignored",', '')])).toEqual({ [KEY]: 1 })
    expect(counts([text])).toEqual({ [KEY.replace('ListBuckets', 'ignored')]: 1 })
  })

  it('reads non-ASCII values and values that are not strings', () => {
    const events = counts([
      delivery({
        ...RECORD,
        eventName: 'Liste—Über 🚀',
        errorCode: 403,
        awsRegion: null,
        eventSource: { a: [1] }
      })
    ])
    expect(Object.keys(events)).toEqual([
      '111122223333||{"a":[1]}|Liste—Über 🚀|2026-11-01|403|IAMUser|arn:aws:iam::111122223333:user/alice||'
    ])
  })

  it('with dedupe, counts an eventID once per key, across files, and events without one each time', () => {
    const denied = { ...RECORD, errorCode: 'AccessDenied' }
    const events = counts([
      delivery(RECORD, RECORD, denied, { ...RECORD, eventID: '' }),
      delivery(RECORD, { ...denied, eventID: undefined }, { ...RECORD, eventID: '' })
    ])
    expect(events).toEqual({
      [KEY]: 3,
      [KEY.replace('||IAMUser', '|AccessDenied|IAMUser').replace(/\|$/, '|unauthorized-calls')]: 2
    })
  })

  it('without dedupe, counts every record', () => {
    expect(counts([delivery(RECORD, RECORD), delivery(RECORD)], { dedupe: false })).toEqual({
      [KEY]: 3
    })
  })

  it('matches rules on fields beyond the key, read from the record', () => {
    const login = {
      ...RECORD,
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { MFAUsed: 'No' }
    }
    const events = counts([
      delivery(login, { ...login, eventID: 'e2', additionalEventData: { MFAUsed: 'Yes' } })
    ])
    expect(Object.keys(events).map((key) => key.split('|')[9])).toEqual([
      'console-login-without-mfa',
      ''
    ])
  })

  it('keeps key ids in step across files when a file in between is bad', () => {
    const logParser = parser()
    const first = logParser.parse(Buffer.from(delivery(RECORD)), false)
    expect(() =>
      logParser.parse(
        Buffer.from(`{"Records":[${JSON.stringify({ ...RECORD, eventName: 'A' })},`),
        false
      )
    ).toThrow('not valid JSON')
    const third = logParser.parse(
      Buffer.from(delivery({ ...RECORD, eventName: 'B' }, RECORD)),
      false
    )
    expect(first.newKeys.map((key) => JSON.parse(key)[3])).toEqual(['ListBuckets'])
    expect(third.newKeys.map((key) => JSON.parse(key)[3])).toEqual(['B'])
    expect([...third.eventIds].filter((_, i) => i % 3 === 0)).toEqual([1, 0])
  })
})

/**
 * A delivery of more than 4 MiB of JSON: 12,000 records of a few keys, some matching built-in
 * rules, each its own event, a few twice (the same eventID).
 */
function largeDelivery(): string {
  const records = Array.from({ length: 12_000 }, (_, i) => ({
    ...RECORD,
    eventID: `large-${i % 11_990}`,
    eventName: ['ListBuckets', 'StopLogging', 'DeleteTrail', 'GetObject'][i % 4],
    eventSource: i % 4 === 0 || i % 4 === 3 ? 's3.amazonaws.com' : 'cloudtrail.amazonaws.com',
    sourceIPAddress: `203.0.113.${i % 200}`,
    requestParameters: { name: `trail-${i}`, padding: 'x'.repeat(200) }
  }))
  return delivery(...records)
}

describe('a large gzipped delivery, gunzipped in pieces', () => {
  const json = largeDelivery()
  const gzipped = gzipSync(json)

  it('is one from 4 MiB of JSON, by its gzip trailer', () => {
    expect(json.length).toBeGreaterThan(4 * 1024 * 1024)
    expect(inPieces(gzipped)).toBe(true)
    expect(inPieces(gzipSync(delivery(RECORD)))).toBe(false)
    expect(inPieces(gzipSync('x'.repeat(4 * 1024 * 1024 - 1)))).toBe(false)
    expect(inPieces(gzipSync('x'.repeat(4 * 1024 * 1024)))).toBe(true)
    expect(inPieces(Buffer.alloc(0))).toBe(false)
  })

  it('gives the aggregate of reading it whole, and leaves the parser ready for the next file', async () => {
    const whole = parser()
    const pieces = parser()
    const expected = whole.parse(gzipped, true)
    expect(expected.records).toBe(12_000)
    expect(await pieces.parseInPieces(gzipped)).toEqual(expected)
    const next = gzipSync(delivery({ ...RECORD, eventID: 'next', eventName: 'StopLogging' }))
    expect(pieces.parse(next, true)).toEqual(whole.parse(next, true))
  })

  it('says why it cannot be read, as reading it whole does', async () => {
    const cases: [Uint8Array, string][] = [
      [
        gzipped.subarray(0, gzipped.length - 100),
        'truncated gzip: the file ends before its compressed data does'
      ],
      [
        Buffer.concat([
          gzipped.subarray(0, 5000),
          Buffer.alloc(5000, 0x55),
          gzipped.subarray(10_000)
        ]),
        'not valid gzip: incorrect data check'
      ],
      [
        gzipSync(`${json.slice(0, -2)},]}`),
        `not valid JSON: unexpected byte at offset ${json.length - 1}`
      ],
      [
        gzipSync(json.replace('{"Records":', '{"records":')),
        'not a CloudTrail log file: it has no "Records" key'
      ]
    ]
    const pieces = parser()
    for (const [file, message] of cases) {
      expect(inPieces(file)).toBe(true)
      expect(() => parser().parse(file, true)).toThrow(message)
      await expect(pieces.parseInPieces(file)).rejects.toThrow(message)
    }
    expect((await pieces.parseInPieces(gzipped)).records).toBe(12_000)
  })

  it('reads a file whose trailer claims more than deflate can give, without taking that memory', async () => {
    const lying = Buffer.from(gzipped)
    lying.writeUInt32LE(0xfffffff0, lying.length - 4)
    expect(inPieces(lying)).toBe(true)
    // The scanner's memory is external memory; 0xfffffff0 bytes would be its most, 1.75 GiB.
    const before = process.memoryUsage().external
    await expect(parser().parseInPieces(lying)).rejects.toThrow(
      'not valid gzip: incorrect length check'
    )
    expect(lying.length * 1032).toBeLessThan(512 * 1024 * 1024)
    expect(process.memoryUsage().external - before).toBeLessThan(512 * 1024 * 1024)
  })
})
