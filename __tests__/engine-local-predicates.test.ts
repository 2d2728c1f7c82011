import { describe, expect, it } from 'vitest'
import { createRuleCompiler, type RecordValues } from '../src/engine/local/predicates.js'
import { jsonRecordValues } from '../src/engine/local/record-values.js'
import { resolveField } from '../src/rules/fields.js'
import type { Condition, Test } from '../src/rules/rule.js'
import { lowerText, patternParts } from '../src/rules/values.js'
import { normalizeRegex } from '../src/rules/regex.js'

const match = (path: string, test: Test): Condition => ({
  kind: 'match',
  field: resolveField(path),
  test
})
const sigma = (value: string, cased = false): Test => ({
  kind: 'pattern',
  parts: patternParts(value).map((part) =>
    typeof part === 'string' || cased ? part : { text: lowerText(part.text) }
  ),
  cased
})
const regex = (source: string, flags = ''): Test => ({
  kind: 'regex',
  source: normalizeRegex(source, flags.includes('s')),
  ignoreCase: flags.includes('i'),
  multiline: flags.includes('m'),
  dotAll: flags.includes('s')
})

/** Whether `condition` holds for `record` (read as JSON, as the reference accessor reads it). */
function holds(condition: Condition, record: Record<string, unknown>): boolean {
  const compiler = createRuleCompiler()
  const predicate = compiler.compile(condition)
  return predicate(jsonRecordValues(compiler.fields, JSON.parse(JSON.stringify(record))))
}

describe('rule predicates', () => {
  it.each([
    [
      'a plain value, whatever the case',
      match('eventName', sigma('stoplogging')),
      { eventName: 'StopLogging' },
      true
    ],
    [
      'a cased value',
      match('eventName', sigma('stoplogging', true)),
      { eventName: 'StopLogging' },
      false
    ],
    ['a missing value', match('eventName', sigma('*')), {}, false],
    [
      'a star across newlines',
      match('errorMessage', sigma('a*b')),
      { errorMessage: 'a\n\nb' },
      true
    ],
    [
      'a question mark on one code point',
      match('userAgent', sigma('x?y')),
      { userAgent: 'x😀y' },
      true
    ],
    ['a question mark on two', match('userAgent', sigma('x?y')), { userAgent: 'x😀😀y' }, false],
    ['an escaped star', match('userAgent', sigma('a\\*')), { userAgent: 'ab' }, false],
    [
      'İ lowercased per code point',
      match('userAgent', sigma('İSTANBUL')),
      { userAgent: 'istanbul' },
      true
    ],
    ['a final Σ lowercased as σ', match('userAgent', sigma('ΑΣ')), { userAgent: 'ασ' }, true],
    [
      'a number as text',
      match('requestParameters.maxItems', sigma('50')),
      { requestParameters: { maxItems: 50 } },
      true
    ],
    ['a boolean as text', match('readOnly', sigma('true')), { readOnly: true }, true],
    [
      'an object has no text',
      match('requestParameters.a', sigma('*')),
      { requestParameters: { a: {} } },
      false
    ],
    [
      'a string holding JSON is read through',
      match('requestParameters.a', sigma('x')),
      { requestParameters: '{"a":"x"}' },
      true
    ],
    [
      'the whole object as JSON text',
      match('requestParameters', sigma('*"a":1*')),
      { requestParameters: { a: 1 } },
      true
    ],
    [
      'an array is not entered',
      match('requestParameters.0', sigma('*')),
      { requestParameters: ['x'] },
      false
    ],
    [
      'a struct field',
      match('userIdentity.sessionContext.sessionIssuer.type', sigma('role')),
      { userIdentity: { sessionContext: { sessionIssuer: { type: 'Role' } } } },
      true
    ],
    [
      'a struct that is not an object',
      match('userIdentity.type', sigma('*')),
      { userIdentity: 'Root' },
      false
    ],
    [
      'exists on an object',
      match('requestParameters.a', { kind: 'exists' }),
      { requestParameters: { a: [] } },
      true
    ],
    [
      'exists on a JSON null',
      match('requestParameters.a', { kind: 'exists' }),
      { requestParameters: { a: null } },
      false
    ],
    ['null on an absent column', match('errorCode', { kind: 'null' }), {}, true],
    ['null on an empty string', match('errorCode', { kind: 'null' }), { errorCode: '' }, false],
    [
      'any resource',
      match('resources.ARN', sigma('*b')),
      { resources: [{ ARN: 'a' }, { ARN: 'b' }] },
      true
    ],
    ['no resource', match('resources.ARN', sigma('*')), { resources: [] }, false],
    [
      'null when no resource has it',
      match('resources.ARN', { kind: 'null' }),
      { resources: [{ type: 't' }, null] },
      true
    ],
    [
      'null when one has it',
      match('resources.ARN', { kind: 'null' }),
      { resources: [{ type: 't' }, { ARN: 'a' }] },
      false
    ],
    ['a regex anywhere in the value', match('userAgent', regex('b+')), { userAgent: 'abbc' }, true],
    [
      'a regex end before a final newline',
      match('userAgent', regex('c$')),
      { userAgent: 'abc\n' },
      false
    ],
    [
      'a multiline regex at \\n',
      match('errorMessage', regex('^b$', 'm')),
      { errorMessage: 'a\nb\nc' },
      true
    ],
    [
      'a multiline regex not at \\r',
      match('errorMessage', regex('^b$', 'm')),
      { errorMessage: 'a\rb\rc' },
      false
    ],
    [
      'a regex dot not at \\n',
      match('errorMessage', regex('a.b')),
      { errorMessage: 'a\nb' },
      false
    ],
    ['a regex dot at \\r', match('errorMessage', regex('a.b')), { errorMessage: 'a\rb' }, true],
    [
      'a regex dot with s',
      match('errorMessage', regex('a.b', 's')),
      { errorMessage: 'a\nb' },
      true
    ],
    [
      'an ASCII \\s only',
      match('errorMessage', regex('a\\sb')),
      { errorMessage: 'a\u00a0b' },
      false
    ],
    [
      'a case-insensitive regex',
      match('errorMessage', regex('ABC', 'i')),
      { errorMessage: 'xabc' },
      true
    ],
    [
      'an address in the network',
      match('sourceIPAddress', { kind: 'cidr', network: '10.0.0.0', prefixLength: 8 }),
      { sourceIPAddress: '10.255.0.1' },
      true
    ],
    [
      'an address outside',
      match('sourceIPAddress', { kind: 'cidr', network: '10.0.0.0', prefixLength: 8 }),
      { sourceIPAddress: '11.0.0.1' },
      false
    ],
    [
      'an address with a leading zero',
      match('sourceIPAddress', { kind: 'cidr', network: '10.0.0.0', prefixLength: 8 }),
      { sourceIPAddress: '010.0.0.1' },
      false
    ],
    [
      'every address in /0',
      match('sourceIPAddress', { kind: 'cidr', network: '0.0.0.0', prefixLength: 0 }),
      { sourceIPAddress: '255.255.255.255' },
      true
    ],
    [
      'a host name',
      match('sourceIPAddress', { kind: 'cidr', network: '0.0.0.0', prefixLength: 0 }),
      { sourceIPAddress: 'ec2.amazonaws.com' },
      false
    ]
  ] as const)('%s', (_, condition, record, expected) => {
    expect(holds(condition, record)).toBe(expected)
  })

  it('combines with and, or and not', () => {
    const a = match('eventName', sigma('a'))
    const b = match('errorCode', { kind: 'exists' })
    expect(holds({ kind: 'and', all: [a, b] }, { eventName: 'A' })).toBe(false)
    expect(holds({ kind: 'or', any: [a, b] }, { eventName: 'A' })).toBe(true)
    expect(holds({ kind: 'not', condition: b }, { eventName: 'A' })).toBe(true)
  })

  it('asks for each field by one index, only when a rule needs it', () => {
    const compiler = createRuleCompiler()
    const first = compiler.compile({
      kind: 'and',
      all: [match('eventName', sigma('a')), match('errorCode', sigma('b'))]
    })
    compiler.compile(match('eventName', sigma('c')))
    expect(compiler.fields.map((field) => field.keys.join('.'))).toEqual(['eventName', 'errorCode'])
    const asked: number[] = []
    const values: RecordValues = {
      text: (field) => {
        asked.push(field)
        return field === 0 ? 'x' : 'b'
      },
      present: () => false,
      elements: () => null
    }
    expect(first(values)).toBe(false)
    expect(asked).toEqual([0])
  })

  it('compiles from its source text alone, as worker threads run it', () => {
    const rebuilt = new Function(
      `'use strict'; const __name = (f) => f; return (${createRuleCompiler.toString()})`
    )() as typeof createRuleCompiler
    const compiler = rebuilt()
    const predicate = compiler.compile(match('userAgent', regex('^a.c$', 'm')))
    expect(predicate(jsonRecordValues(compiler.fields, { userAgent: 'x\nabc' }))).toBe(true)
  })
})

describe('rule specialization', () => {
  const rule: Condition = {
    kind: 'and',
    all: [
      match('eventSource', sigma('cloudtrail.amazonaws.com')),
      {
        kind: 'or',
        any: [
          match('eventName', sigma('StopLogging')),
          match('requestParameters.name', sigma('*prod*'))
        ]
      },
      { kind: 'not', condition: match('userIdentity.type', sigma('AWSService')) }
    ]
  }
  const known =
    (values: Record<string, string | null>) =>
    (source: { keys: readonly string[] }): string | null | undefined =>
      values[source.keys.join('.')]

  it('decides a rule from the fields known for every record', () => {
    const compiler = createRuleCompiler()
    expect(compiler.specialize(rule, known({ eventSource: 's3.amazonaws.com' }))).toBe(false)
    expect(
      compiler.specialize(
        rule,
        known({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'StopLogging',
          'userIdentity.type': 'IAMUser'
        })
      )
    ).toBe(true)
    expect(
      compiler.specialize(
        rule,
        known({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'StopLogging',
          'userIdentity.type': 'AWSService'
        })
      )
    ).toBe(false)
  })

  it('leaves what it cannot decide', () => {
    const compiler = createRuleCompiler()
    expect(
      compiler.specialize(
        rule,
        known({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'DeleteTrail',
          'userIdentity.type': null
        })
      )
    ).toEqual(match('requestParameters.name', sigma('*prod*')))
    expect(compiler.specialize(rule, known({ eventSource: 'cloudtrail.amazonaws.com' }))).toEqual({
      kind: 'and',
      all: [rule.kind === 'and' ? rule.all[1] : rule, rule.kind === 'and' ? rule.all[2] : rule]
    })
  })

  it('decides exists and null on a known field', () => {
    const compiler = createRuleCompiler()
    const exists = match('errorCode', { kind: 'exists' })
    expect(compiler.specialize(exists, known({ errorCode: null }))).toBe(false)
    expect(compiler.specialize({ kind: 'not', condition: exists }, known({ errorCode: '' }))).toBe(
      false
    )
    expect(
      compiler.specialize(match('errorCode', { kind: 'null' }), known({ errorCode: null }))
    ).toBe(true)
  })
})
