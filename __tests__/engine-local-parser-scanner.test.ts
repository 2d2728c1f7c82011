import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  ASCII,
  Captures,
  ESCAPED,
  MISSING,
  RAW,
  UTF8
} from '../src/engine/local/parser/captures.js'
import { DeliveryScanner, MAX_DOCUMENT } from '../src/engine/local/parser/scanner.js'
import { compileScanner, SCANNER_WASM_MODULE, scannerWasmModule } from '../scripts/scanner-wasm.js'
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
  const records: Record<string, string>[] = []
  deliveries.load(bytes)
  const elements = deliveries.scan(() => {
    const values = fields.map((field, slot) => [field, captures.decode(slot)] as const)
    records.push(Object.fromEntries(values.filter(([, value]) => value !== '')))
  })
  return { elements, records }
}

const delivery = (...records: readonly string[]): string => `{"Records":[${records.join(',')}]}`

describe('the delivery scanner', () => {
  it('runs the WebAssembly compiled from assembly/scanner.ts: scanner-wasm.ts is up to date', async () => {
    expect(readFileSync(SCANNER_WASM_MODULE, 'utf8')).toBe(
      scannerWasmModule(await compileScanner())
    )
  })

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
    const kinds: number[][] = []
    deliveries.load(bytes)
    deliveries.scan(() => kinds.push(Array.from(captures.kinds)))
    expect(kinds).toEqual([[UTF8, ESCAPED, ASCII, MISSING, RAW, MISSING]])
    expect(captures.decode(1)).toBe('a"b')
  })

  it('reads strings 16 bytes at a time, wherever their special bytes fall', () => {
    for (let pad = 0; pad < 34; pad++) {
      const x = 'x'.repeat(pad)
      const { captures, scanner: deliveries } = scanner()
      const bytes = Buffer.from(
        delivery(
          `{"${x}k":"${x}\\"","eventName":"${x}é","errorCode":"${x}plain text","x${x}":"${x}\\n"}`
        )
      )
      const read: [number, string][] = []
      deliveries.load(bytes)
      deliveries.scan(() => {
        for (const slot of [0, 1])
          read.push([captures.kinds[slot] as number, captures.decode(slot)])
      })
      expect(read).toEqual([
        [UTF8, `${x}é`],
        [ASCII, `${x}plain text`]
      ])
    }
  })

  it('finds keys that are not ASCII by their UTF-8 bytes', () => {
    const fields = ['Ünïcode', 'naïve']
    const { records } = scan(delivery('{"Ünïcode":"a","naive":"b","naïve":"c"}'), fields)
    expect(records).toEqual([{ Ünïcode: 'a', naïve: 'c' }])
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

  it('nests as deep as the document goes, below the objects that matter and beside them', () => {
    const deep = '['.repeat(3000) + '{"arn":"no"}' + ']'.repeat(3000)
    const { records } = scan(
      delivery(
        `{"x":${deep},"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":"yes","y":${deep}}}},"eventName":"A"}`
      )
    )
    expect(records).toEqual([
      { eventName: 'A', 'userIdentity.sessionContext.sessionIssuer.arn': 'yes' }
    ])
    // The deepest captured field, an object: its frame is the deepest that matters.
    expect(
      scan(
        delivery(`{"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":{"deep":${deep}}}}}}`)
      ).records
    ).toEqual([{ 'userIdentity.sessionContext.sessionIssuer.arn': `{"deep":${deep}}` }])
    expect(() => scan(delivery(`{"x":${deep.slice(0, -1)}}`))).toThrow(
      `not valid JSON: unexpected byte at offset ${12 + 5 + deep.length - 1}`
    )
  })

  it('refuses a document larger than its offsets reach, before copying it', () => {
    const { scanner: deliveries } = scanner()
    const huge = { length: MAX_DOCUMENT + 1 } as Uint8Array
    expect(() => deliveries.load(huge)).toThrow(
      'too large to read: 1879048193 bytes of JSON (the most is 1879048192)'
    )
  })

  it('reads the Records key written with escapes', () => {
    const { elements, records } = scan('{"Rec\\u006frds":[{"eventName":"A"}]}')
    expect(elements).toBe(1)
    expect(records).toEqual([{ eventName: 'A' }])
  })

  it('grows its memory for a larger document, and lets go of one past 32 MiB', () => {
    const { captures, scanner: deliveries } = scanner()
    const read = (document: string): string[] => {
      const names: string[] = []
      deliveries.load(Buffer.from(document))
      deliveries.scan(() => names.push(captures.decode(0)))
      return names
    }
    expect(read(delivery('{"eventName":"small"}'))).toEqual(['small'])
    const filler = (bytes: number) => `{"x":"${'y'.repeat(bytes)}","eventName":"large"}`
    expect(read(delivery(filler(1_000_000), '{"eventName":"after"}'))).toEqual(['large', 'after'])
    const grown = captures.kinds.buffer.byteLength
    expect(grown).toBeGreaterThan(1_000_000)
    expect(read(delivery(filler(40_000_000)))).toEqual(['large'])
    expect(read(delivery('{"eventName":"small again"}'))).toEqual(['small again'])
    expect(captures.kinds.buffer.byteLength).toBeLessThan(grown)
  })

  it('hands over no record once the document shows it is not a delivery', () => {
    const { scanner: deliveries } = scanner()
    const bytes = Buffer.from(delivery('{"eventName":"A"}', '1', '{"eventName":"B"}'))
    let records = 0
    deliveries.load(bytes)
    expect(() => deliveries.scan(() => records++)).toThrow(
      'not a CloudTrail log file: Records[1] is not an object'
    )
    expect(records).toBe(1)
  })

  it('says the document is not JSON before saying it is not a delivery', () => {
    const { scanner: deliveries } = scanner()
    deliveries.load(Buffer.from('{"Records":{},}'))
    expect(() => deliveries.scan(() => {})).toThrow('not valid JSON: unexpected byte at offset 14')
  })

  it('reads a document after one that failed as if it were the first', () => {
    const { scanner: deliveries } = scanner()
    const read = (document: string): number => {
      deliveries.load(Buffer.from(document))
      return deliveries.scan(() => {})
    }
    expect(() => read('{"Records":[{"a":[}')).toThrow('not valid JSON')
    expect(() => read('[1]')).toThrow('not a CloudTrail log file: the document is not an object')
    expect(read(delivery('{}', '{}'))).toBe(2)
  })
})

/** The value `x` after an empty `Records`: where the token tests put their token. */
const PREFIX = '{"Records":[],"x":'
const END = 'not valid JSON: unexpected end of the document'
const at = (offset: number): string =>
  `not valid JSON: unexpected byte at offset ${PREFIX.length + offset}`

/** 'valid', or the scanner's error, for the document `text`. */
/**
 * One scanner for every verdict, as a parser thread keeps one for all its files (a document it
 * refused included); a new one each time is mostly the cost of a WebAssembly instance.
 */
const deliveries = scanner().scanner

function verdict(text: string): string {
  try {
    deliveries.load(Buffer.from(text, 'latin1'))
    deliveries.scan(() => {})
    return 'valid'
  } catch (error) {
    return (error as Error).message
  }
}

describe('the delivery scanner, token by token', () => {
  it.each(['0', '-0', '12.5e-3', '1E+2', '-12', '7', 'true', 'false', 'null', '"a"', '[1,-2]'])(
    'accepts the value %j',
    (token) => {
      expect(verdict(`${PREFIX}${token}}`)).toBe('valid')
      expect(verdict(`${PREFIX} \t\r\n${token} \t\r\n}`)).toBe('valid')
    }
  )

  it.each([
    // A leading zero ends the number: the digit after it is out of place.
    ['01', at(1)],
    ['-', at(1)],
    ['-a', at(1)],
    ['1.', at(2)],
    ['1.e5', at(2)],
    ['1e', at(2)],
    ['1e+', at(3)],
    ['1e+x', at(3)],
    ['nul', at(3)],
    ['nulx', at(3)],
    ['True', at(0)],
    ['x', at(0)],
    ['', at(0)],
    ['\u000b1', at(0)],
    ['\u00a01', at(0)]
  ])('rejects the value %j', (token, message) => {
    expect(verdict(`${PREFIX}${token}}`)).toBe(message)
  })

  it.each(['-', '1.', '1e+', 'nul', '"abc', '"abc\\', '"\\u12', 't'])(
    'rejects a document that ends inside the value %j',
    (token) => {
      expect(verdict(`${PREFIX}${token}`)).toBe(END)
    }
  )

  it.each(['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u00aF'])(
    'accepts the escape %s',
    (escape) => {
      expect(verdict(`${PREFIX}"${escape}x"}`)).toBe('valid')
    }
  )

  it.each([
    ['\\x', at(2)],
    ['\\u00g0', at(5)],
    ['\\u12"', at(5)]
  ])('rejects the escape %s', (escape, message) => {
    expect(verdict(`${PREFIX}"${escape}"}`)).toBe(message)
  })

  it('tells a quote, a backslash or a control byte from any other, at any place in a string', () => {
    const wrong: string[] = []
    for (let place = 0; place < 40; place++) {
      for (let byte = 0; byte < 256; byte++) {
        const contents = 'a'.repeat(place) + String.fromCharCode(byte) + 'a'.repeat(40 - place)
        const expected =
          byte === 0x22 || byte === 0x5c ? at(place + 2) : byte < 0x20 ? at(place + 1) : 'valid'
        const found = verdict(`${PREFIX}"${contents}"}`)
        if (found !== expected) wrong.push(`${byte} at ${place}: ${found}`)
      }
    }
    expect(wrong).toEqual([])
  })
})
