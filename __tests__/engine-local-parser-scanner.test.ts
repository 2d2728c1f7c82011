import { describe, expect, it } from 'vitest'
import {
  ASCII,
  Captures,
  ESCAPED,
  MISSING,
  RAW,
  UTF8
} from '../src/engine/local/parser/captures.js'
import { DeliveryScanner } from '../src/engine/local/parser/scanner.js'
import { Shapes } from '../src/engine/local/parser/shapes.js'

const FIELDS = [
  'eventName',
  'errorCode',
  'userIdentity.arn',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'requestParameters',
  'requestParameters.userName'
]

function scanner(fields = FIELDS) {
  const captures = new Captures(fields.length)
  const shapes = new Shapes(fields.map((field) => field.split('.')))
  return { captures, scanner: new DeliveryScanner(shapes, captures) }
}

/** Each record's captured fields that are present, by path, and the number of elements. */
function scan(document: string, fields = FIELDS) {
  const { captures, scanner: deliveries } = scanner(fields)
  const bytes = Buffer.from(document)
  captures.bytes = bytes
  const records: Record<string, string>[] = []
  const elements = deliveries.scan(bytes, () => {
    const values = fields.map((field, slot) => [field, captures.decode(slot)] as const)
    records.push(Object.fromEntries(values.filter(([, value]) => value !== '')))
  })
  return { elements, records }
}

const delivery = (...records: readonly string[]): string => `{"Records":[${records.join(',')}]}`

describe('the delivery scanner', () => {
  it('hands over each record with its fields captured, in order', () => {
    const { elements, records } = scan(
      delivery(
        '{"eventName":"ListBuckets","userIdentity":{"type":"IAMUser","arn":"arn:a"}}',
        '{"errorCode":"AccessDenied","userIdentity":{"sessionContext":{"sessionIssuer":{"arn":"arn:r"}}}}'
      )
    )
    expect(elements).toBe(2)
    expect(records).toEqual([
      { eventName: 'ListBuckets', 'userIdentity.arn': 'arn:a' },
      { errorCode: 'AccessDenied', 'userIdentity.sessionContext.sessionIssuer.arn': 'arn:r' }
    ])
  })

  it('captures a number, a boolean, an object or an array as their text in a string column (JSON.parse, then String or compact JSON), and null as absent', () => {
    const { records } = scan(
      delivery(
        '{"eventName":403,"errorCode":true,"requestParameters":{ "userName" : "bob", "a": [1, {}] }}',
        '{"eventName":-1.5e3,"errorCode":null,"requestParameters":[{"userName":"no"}]}'
      )
    )
    expect(records).toEqual([
      {
        eventName: '403',
        errorCode: 'true',
        requestParameters: '{"userName":"bob","a":[1,{}]}',
        'requestParameters.userName': 'bob'
      },
      { eventName: '-1500', requestParameters: '[{"userName":"no"}]' }
    ])
  })

  it('says how each captured value reads: ASCII, UTF-8, escaped, JSON text or absent', () => {
    const { captures, scanner: deliveries } = scanner()
    const bytes = Buffer.from(
      delivery(
        '{"eventName":"é","errorCode":"a\\"b","userIdentity":{"arn":"plain"},"requestParameters":{}}'
      )
    )
    captures.bytes = bytes
    const kinds: number[][] = []
    deliveries.scan(bytes, () => kinds.push(Array.from(captures.kinds)))
    expect(kinds).toEqual([[UTF8, ESCAPED, ASCII, MISSING, RAW, MISSING]])
    expect(captures.decode(1)).toBe('a"b')
  })

  it('reads strings four bytes at a time, wherever their special bytes fall', () => {
    for (let pad = 0; pad < 8; pad++) {
      const x = 'x'.repeat(pad)
      const { captures, scanner: deliveries } = scanner()
      const bytes = Buffer.from(
        delivery(
          `{"${x}k":"${x}\\"","eventName":"${x}é","errorCode":"${x}plain text","x${x}":"${x}\\n"}`
        )
      )
      captures.bytes = bytes
      const read: [number, string][] = []
      deliveries.scan(bytes, () => {
        for (const slot of [0, 1])
          read.push([captures.kinds[slot] as number, captures.decode(slot)])
      })
      expect(read).toEqual([
        [UTF8, `${x}é`],
        [ASCII, `${x}plain text`]
      ])
    }
  })

  it('starts each record with no field', () => {
    const { records } = scan(
      delivery('{"eventName":"A","errorCode":"E"}', '{"eventName":"B"}', '{}')
    )
    expect(records).toEqual([{ eventName: 'A', errorCode: 'E' }, { eventName: 'B' }, {}])
  })

  it('takes the last of repeated keys, and of a repeated object none of the first one’s fields', () => {
    const { records } = scan(
      delivery(
        '{"eventName":"first","eventName":"last","userIdentity":{"arn":"gone","sessionContext":{"sessionIssuer":{"arn":"gone"}}},"userIdentity":{}}'
      )
    )
    expect(records).toEqual([{ eventName: 'last' }])
  })

  it('captures nothing under a key whose value is not an object', () => {
    const { records } = scan(
      delivery(
        '{"userIdentity":"arn"}',
        '{"userIdentity":null}',
        '{"userIdentity":[{"arn":"in an array"}]}',
        '{"userIdentity":{"arn":"kept"},"userIdentity":7}'
      )
    )
    expect(records).toEqual([{}, {}, {}, {}])
  })

  it('finds a field only at its path, not a key of the same name elsewhere', () => {
    const { records } = scan(
      delivery(
        '{"other":{"eventName":"no"},"list":[{"eventName":"no"}],"userIdentity":{"eventName":"no","x":{"arn":"no"}},"eventName":"yes"}'
      )
    )
    expect(records).toEqual([{ eventName: 'yes' }])
  })

  it('reads keys and values with escapes as JSON.parse does', () => {
    const { records } = scan(delivery('{"event\\u004eame":"List\\u0042uckets\\n"}'))
    expect(records).toEqual([{ eventName: 'ListBuckets\n' }])
  })

  it('reads keys of the document other than Records, before and after it', () => {
    const { elements, records } = scan(
      '{"a":{"Records":1},"Records":[{"eventName":"A"}],"eventName":"not a record"}'
    )
    expect(elements).toBe(1)
    expect(records).toEqual([{ eventName: 'A' }])
  })

  it('nests deeper than its first stack', () => {
    const deep = '['.repeat(300) + ']'.repeat(300)
    const { records } = scan(delivery(`{"x":${deep},"eventName":"A"}`))
    expect(records).toEqual([{ eventName: 'A' }])
  })

  it('hands over no record once the document shows it is not a delivery', () => {
    const { scanner: deliveries } = scanner()
    const bytes = Buffer.from(delivery('{"eventName":"A"}', '1', '{"eventName":"B"}'))
    let records = 0
    expect(() => deliveries.scan(bytes, () => records++)).toThrow(
      'not a CloudTrail log file: Records[1] is not an object'
    )
    expect(records).toBe(1)
  })

  it('says the document is not JSON before saying it is not a delivery', () => {
    const { scanner: deliveries } = scanner()
    expect(() => deliveries.scan(Buffer.from('{"Records":{},}'), () => {})).toThrow(
      'not valid JSON: unexpected byte at offset 14'
    )
  })

  it('reads a document after one that failed as if it were the first', () => {
    const { scanner: deliveries } = scanner()
    expect(() => deliveries.scan(Buffer.from('{"Records":[{"a":[}'), () => {})).toThrow(
      'not valid JSON'
    )
    expect(() => deliveries.scan(Buffer.from('[1]'), () => {})).toThrow(
      'not a CloudTrail log file: the document is not an object'
    )
    expect(deliveries.scan(Buffer.from(delivery('{}', '{}')), () => {})).toBe(2)
  })
})
