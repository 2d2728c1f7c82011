import { describe, expect, it } from 'vitest'
import type { Condition, Rule } from '../src/rules/rule.js'
import { readRuleFile, RuleFileError } from '../src/rules/sigma.js'
import { lowerText, patternParts } from '../src/rules/values.js'

const HEAD = `title: A test rule
id: 5b0c5a55-0c52-4bd4-a6a3-4f3f3b1d8a01
level: medium
logsource:
  product: aws
  service: cloudtrail
`

function load(yaml: string, file = 'rules/test.yml'): ReturnType<typeof readRuleFile> {
  return readRuleFile(yaml, file, false)
}

function rule(yaml: string): Rule {
  const { rules, notRun } = load(yaml)
  expect(notRun).toEqual([])
  return rules[0] as Rule
}

/** A rule of one selection (given as YAML lines below `selection:`) and its condition. */
function selection(body: string): Condition {
  const lines = body.split('\n').map((line) => `    ${line}`)
  return rule(`${HEAD}detection:\n  selection:\n${lines.join('\n')}\n  condition: selection\n`)
    .condition
}

function notRun(detection: string): string {
  const { rules, notRun } = load(`${HEAD}detection:\n${detection}`)
  expect(rules).toEqual([])
  return notRun[0]?.reason as string
}

function error(yaml: string): string {
  try {
    load(yaml)
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(RuleFileError)
    return (thrown as Error).message
  }
  throw new Error('no error')
}

const eventName = {
  path: 'eventName',
  source: { kind: 'column', column: 'eventname', keys: ['eventName'] }
}
const userName = {
  path: 'requestParameters.userName',
  source: {
    kind: 'json',
    column: 'requestparameters',
    path: ['userName'],
    keys: ['requestParameters', 'userName']
  }
}

describe('Sigma strings', () => {
  it.each([
    ['plain', [{ text: 'plain' }]],
    ['a*b?c', [{ text: 'a' }, '*', { text: 'b' }, '?', { text: 'c' }]],
    ['a**b', [{ text: 'a' }, '*', { text: 'b' }]],
    ['a\\*b', [{ text: 'a*b' }]],
    ['a\\?b', [{ text: 'a?b' }]],
    ['C:\\Windows\\x', [{ text: 'C:\\Windows\\x' }]],
    ['a\\\\b', [{ text: 'a\\b' }]],
    ['a\\\\*', [{ text: 'a\\' }, '*']],
    ['a\\\\\\*', [{ text: 'a\\*' }]],
    ['a\\\\\\\\', [{ text: 'a\\\\' }]],
    ['a\\\\\\', [{ text: 'a\\\\' }]],
    ['', []]
  ])('reads %j as the specification escapes it', (value, parts) => {
    expect(patternParts(value)).toEqual(parts)
  })

  it('lowercases each code point by its simple mapping, as lower() does', () => {
    expect(lowerText('İSTANBUL ΣΑΣ Ünï')).toBe('istanbul σασ ünï')
    expect('İ'.toLowerCase()).not.toBe('i')
  })
})

describe('Sigma selections', () => {
  it('reads a plain value as a case-insensitive pattern, lowercased', () => {
    expect(selection('eventName: StopLogging')).toEqual({
      kind: 'match',
      field: eventName,
      test: { kind: 'pattern', parts: [{ text: 'stoplogging' }], cased: false }
    })
  })

  it('keeps the case with cased, and adds wildcards for contains, startswith and endswith', () => {
    const parts = (modifier: string): unknown => {
      const condition = selection(`eventName|${modifier}: Stop`)
      return condition.kind === 'match' && condition.test.kind === 'pattern'
        ? condition.test
        : undefined
    }
    expect(parts('cased')).toEqual({ kind: 'pattern', parts: [{ text: 'Stop' }], cased: true })
    expect(parts('contains')).toEqual({
      kind: 'pattern',
      parts: ['*', { text: 'stop' }, '*'],
      cased: false
    })
    expect(parts('startswith|cased')).toEqual({
      kind: 'pattern',
      parts: [{ text: 'Stop' }, '*'],
      cased: true
    })
    expect(parts('endswith')).toEqual({
      kind: 'pattern',
      parts: ['*', { text: 'stop' }],
      cased: false
    })
  })

  it('reads numbers and booleans as the text written', () => {
    const texts = selection(
      'requestParameters.userName:\n  - 0x17\n  - 1.0\n  - True\n  - 3600'
    ).valueOf()
    expect(texts).toEqual({
      kind: 'or',
      any: ['0x17', '1.0', 'true', '3600'].map((text) => ({
        kind: 'match',
        field: userName,
        test: { kind: 'pattern', parts: [{ text }], cased: false }
      }))
    })
  })

  it('reads a list as any of its values, all of them with all', () => {
    const any = selection('eventName:\n  - A\n  - B')
    const all = selection('eventName|all:\n  - A\n  - B')
    expect(any.kind).toBe('or')
    expect(all.kind).toBe('and')
  })

  it('reads null, an empty string and exists', () => {
    expect(selection('eventName: null')).toEqual({
      kind: 'match',
      field: eventName,
      test: { kind: 'null' }
    })
    expect(selection('eventName:')).toEqual({
      kind: 'match',
      field: eventName,
      test: { kind: 'null' }
    })
    expect(selection("eventName: ''")).toEqual({
      kind: 'match',
      field: eventName,
      test: { kind: 'pattern', parts: [], cased: false }
    })
    expect(selection('eventName|exists: true')).toEqual({
      kind: 'match',
      field: eventName,
      test: { kind: 'exists' }
    })
    expect(selection('eventName|exists: false')).toEqual({
      kind: 'not',
      condition: { kind: 'match', field: eventName, test: { kind: 'exists' } }
    })
  })

  it('reads re with its flags, normalized, and cidr', () => {
    expect(selection("eventName|re|i|s: '^a.b$'")).toEqual({
      kind: 'match',
      field: eventName,
      test: {
        kind: 'regex',
        source: '^a[\\s\\S]b$',
        ignoreCase: true,
        multiline: false,
        dotAll: true
      }
    })
    expect(selection('sourceIPAddress|cidr: 10.1.0.0/16')).toMatchObject({
      test: { kind: 'cidr', network: '10.1.0.0', prefixLength: 16 }
    })
    expect(selection('sourceIPAddress|cidr: 10.1.2.3')).toMatchObject({
      test: { kind: 'cidr', network: '10.1.2.3', prefixLength: 32 }
    })
  })

  it('reads a map as all its entries and a list of maps as any of them', () => {
    expect(selection('eventName: A\nerrorCode: B').kind).toBe('and')
    expect(selection('- eventName: A\n- errorCode: B').kind).toBe('or')
  })
})

describe('Sigma conditions', () => {
  const detection = (condition: string): Condition =>
    rule(
      `${HEAD}detection:\n  sel_a:\n    eventName: A\n  sel_b:\n    eventName: B\n  _filter:\n    eventName: C\n  condition: ${condition}\n`
    ).condition
  const a = detection('sel_a')
  const b = detection('sel_b')
  const c = detection('_filter')

  it.each([
    ['sel_a and sel_b', { kind: 'and', all: [a, b] }],
    [
      'sel_a or sel_b and not _filter',
      { kind: 'or', any: [a, { kind: 'and', all: [b, { kind: 'not', condition: c }] }] }
    ],
    [
      '(sel_a or sel_b) and not _filter',
      {
        kind: 'and',
        all: [
          { kind: 'or', any: [a, b] },
          { kind: 'not', condition: c }
        ]
      }
    ],
    ['not not sel_a', { kind: 'not', condition: { kind: 'not', condition: a } }],
    ['1 of sel_*', { kind: 'or', any: [a, b] }],
    ['any of sel_*', { kind: 'or', any: [a, b] }],
    ['all of sel_*', { kind: 'and', all: [a, b] }],
    ['1 of them', { kind: 'or', any: [a, b] }],
    ['all of them', { kind: 'and', all: [a, b] }],
    ['all of _f*', c],
    [
      '1 of sel_* and not 1 of _*',
      {
        kind: 'and',
        all: [
          { kind: 'or', any: [a, b] },
          { kind: 'not', condition: c }
        ]
      }
    ]
  ])('reads %s', (condition, expected) => {
    expect(detection(condition)).toEqual(expected)
  })

  it('reads a list of conditions as any of them', () => {
    const listed = rule(
      `${HEAD}detection:\n  sel_a:\n    eventName: A\n  sel_b:\n    eventName: B\n  condition:\n    - sel_a\n    - sel_b\n`
    )
    expect(listed.condition).toEqual({ kind: 'or', any: [a, b] })
  })
})

describe('Sigma rules', () => {
  it('keeps the metadata, with the name as key, else the id', () => {
    const named = rule(`${HEAD}name: my-rule
description: What it finds.
author: Someone
status: test
tags: [attack.t1078]
references: [https://example.com]
falsepositives: [Admins]
detection:
  selection:
    eventName: A
  condition: selection
`)
    expect(named).toMatchObject({
      key: 'my-rule',
      id: '5b0c5a55-0c52-4bd4-a6a3-4f3f3b1d8a01',
      name: 'my-rule',
      title: 'A test rule',
      description: 'What it finds.',
      author: 'Someone',
      level: 'medium',
      status: 'test',
      tags: ['attack.t1078'],
      references: ['https://example.com'],
      falsepositives: ['Admins'],
      file: 'rules/test.yml',
      builtin: false,
      threshold: undefined
    })
    const unnamed = rule(
      `${HEAD}detection:\n  selection:\n    eventName: A\n  condition: selection\n`
    )
    expect(unnamed.key).toBe('5b0c5a55-0c52-4bd4-a6a3-4f3f3b1d8a01')
  })

  it('reads a threshold', () => {
    const burst = rule(
      `${HEAD}threshold:\n  count: 20\n  per: [principal, region]\ndetection:\n  selection:\n    eventName: A\n  condition: selection\n`
    )
    expect(burst.threshold).toEqual({ count: 20, per: ['principal', 'region'] })
  })

  it('lists a rule for another log source as not applicable', () => {
    const windows = load(
      'title: W\nid: w-1\nlevel: low\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  selection:\n    Image: x\n  condition: selection\n'
    )
    expect(windows).toEqual({
      rules: [],
      notRun: [],
      notApplicable: [{ file: 'rules/test.yml', id: 'w-1', title: 'W', logsource: 'windows/-' }]
    })
  })

  it('reads every document of a YAML stream', () => {
    const two = load(
      `${HEAD}name: first\ndetection:\n  s:\n    eventName: A\n  condition: s\n---\n${HEAD}name: second\ndetection:\n  s:\n    eventName: B\n  condition: s\n---\ntitle: C\nid: c-1\ncorrelation:\n  type: event_count\n`
    )
    expect(two.rules.map((found) => found.key)).toEqual(['first', 'second'])
    expect(two.notRun).toEqual([
      { file: 'rules/test.yml', id: 'c-1', title: 'C', reason: 'a correlation rule' }
    ])
  })
})

describe('what is not run, by name', () => {
  it.each([
    ['  keywords:\n    - evil\n  condition: keywords', 'keywords (values without a field)'],
    [
      "  keywords:\n    '|all':\n      - a\n      - b\n  condition: keywords",
      'keywords (values without a field)'
    ],
    [
      '  s:\n    eventName: A\n  condition: s | count() by userIdentity.arn > 5',
      'an aggregation (| count() and the like)'
    ],
    ['  s:\n    eventName: A\n  t:\n    eventName: B\n  condition: s and near t', 'near'],
    ['  s:\n    eventName: A\n  timeframe: 5m\n  condition: s', 'timeframe (an aggregation)'],
    ['  s:\n    eventName: A\n  condition: 2 of s', '"2 of" (only 1 of, any of and all of)'],
    [
      "  s:\n    userAgent|expand: '%admins%'\n  condition: s",
      'placeholders (the modifier expand)'
    ],
    ['  s:\n    userAgent|windash: -x\n  condition: s', 'the modifier windash'],
    ['  s:\n    userAgent|base64: x\n  condition: s', 'the modifier base64'],
    ['  s:\n    userAgent|base64offset|contains: x\n  condition: s', 'the modifier base64offset'],
    ['  s:\n    userAgent|utf16le|base64: x\n  condition: s', 'the modifier utf16le'],
    ['  s:\n    userAgent|wide|base64: x\n  condition: s', 'the modifier wide'],
    ['  s:\n    requestParameters.durationSeconds|gt: 3600\n  condition: s', 'the modifier gt'],
    ['  s:\n    userAgent|fieldref: eventName\n  condition: s', 'the modifier fieldref'],
    ['  s:\n    userAgent|sounds: x\n  condition: s', 'the unknown modifier sounds'],
    ['  s:\n    userAgent|i: x\n  condition: s', 'the modifier i without re'],
    [
      '  s:\n    userAgent|contains|startswith: x\n  condition: s',
      'the modifiers contains and startswith together'
    ],
    [
      '  s:\n    userAgent|re|contains: x\n  condition: s',
      'the modifiers re and contains together'
    ],
    ['  s:\n    userAgent|contains: null\n  condition: s', 'null with a modifier'],
    ['  s:\n    userAgent: []\n  condition: s', 'an empty list of values'],
    ['  s: {}\n  condition: s', 'an empty search identifier'],
    [
      '  s:\n    eventname.x: A\n  condition: s',
      'the field "eventname.x" is not in the CloudTrail record'
    ],
    [
      '  s:\n    useridentity.sessionContext.attributes: A\n  condition: s',
      'the field "useridentity.sessionContext.attributes" is not in the CloudTrail record'
    ],
    [
      '  s:\n    resources.tags: A\n  condition: s',
      'the field "resources.tags" is not in the CloudTrail record'
    ],
    [
      '  s:\n    sourceIPAddress|cidr: 2001:db8::/32\n  condition: s',
      'the IPv6 network 2001:db8::/32 (cidr)'
    ],
    [
      '  s:\n    sourceIPAddress|cidr: 10.0.0.0/33\n  condition: s',
      'the cidr value "10.0.0.0/33", which is not an IPv4 network'
    ],
    [
      "  s:\n    userAgent|re: 'a(?=b)'\n  condition: s",
      'a lookahead in the regular expression "a(?=b)"'
    ]
  ])('%s', (detection, reason) => {
    expect(notRun(`${detection}\n`)).toBe(reason)
  })

  it('names the file, id and title', () => {
    expect(load(`${HEAD}detection:\n  k:\n    - evil\n  condition: k\n`, 'x/y.yml').notRun).toEqual(
      [
        {
          file: 'x/y.yml',
          id: '5b0c5a55-0c52-4bd4-a6a3-4f3f3b1d8a01',
          title: 'A test rule',
          reason: 'keywords (values without a field)'
        }
      ]
    )
  })

  it('lists rule collections and Sigma filters', () => {
    expect(load('action: global\ntitle: G\n').notRun[0]?.reason).toBe(
      'a rule collection (action: global, reset or repeat)'
    )
    expect(
      load('title: F\nid: f-1\nlogsource: {product: aws}\nfilter:\n  rules: [x]\n').notRun[0]
        ?.reason
    ).toBe('a Sigma filter')
  })
})

describe('what is an error, with its file and line', () => {
  const detection = 'detection:\n  s:\n    eventName: A\n  condition: s\n'
  it.each([
    [
      'title: [unclosed\n',
      'rules/test.yml:2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'
    ],
    ['- a list\n', 'rules/test.yml:1: not a Sigma rule: the document is not a map'],
    ['', 'rules/test.yml:1: not a Sigma rule: the file has no document'],
    [
      `id: x\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\n${detection}`,
      'rules/test.yml:1: not a valid Sigma rule: the rule has no title'
    ],
    [
      `title: T\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\n${detection}`,
      'rules/test.yml:1: not a valid Sigma rule: the rule has no id'
    ],
    [
      `title: T\nid: x\nlogsource: {product: aws, service: cloudtrail}\n${detection}`,
      'rules/test.yml:1: not a valid Sigma rule: the rule has no level'
    ],
    [
      `title: T\nid: x\nlevel: severe\nlogsource: {product: aws, service: cloudtrail}\n${detection}`,
      'rules/test.yml:3: not a valid Sigma rule: level "severe" is not one of critical, high, medium, low, informational'
    ],
    [
      `title: T\nid: a b\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\n${detection}`,
      'rules/test.yml:2: not a valid Sigma rule: id "a b" must have no space, comma or ~ (fail-on lists rules by id; ~ marks a suppression in the aggregate)'
    ],
    [
      `title: T\nid: a~1\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\n${detection}`,
      'rules/test.yml:2: not a valid Sigma rule: id "a~1" must have no space, comma or ~ (fail-on lists rules by id; ~ marks a suppression in the aggregate)'
    ],
    [
      `title: T\nid: x\nname: My Rule\nlevel: low\n${detection}`,
      'rules/test.yml:3: not a valid Sigma rule: name "My Rule" must be kebab-case or snake_case (a-z, 0-9, - and _)'
    ],
    [
      `title: T\nid: x\nname: high\nlevel: low\n${detection}`,
      'rules/test.yml:3: not a valid Sigma rule: name "high" is a level, which fail-on reads as one'
    ],
    [
      `title: T\nid: x\nlevel: low\n${detection}`,
      'rules/test.yml:1: not a valid Sigma rule: the rule has no logsource map'
    ],
    [
      `${HEAD}detection:\n  s:\n    eventName: A\n`,
      'rules/test.yml:8: not a valid Sigma rule: the detection has no condition'
    ],
    [
      `${HEAD}detection:\n  s:\n    eventName: A\n  condition: t\n`,
      'rules/test.yml:10: not a valid Sigma rule: the unknown search identifier "t" in the condition "t"'
    ],
    [
      `${HEAD}detection:\n  s:\n    eventName: A\n  condition: s and\n`,
      'rules/test.yml:10: not a valid Sigma rule: an unexpected end in the condition "s and"'
    ],
    [
      `${HEAD}detection:\n  s:\n    eventName: A\n  condition: (s\n`,
      'rules/test.yml:10: not a valid Sigma rule: a missing ) in the condition "(s"'
    ],
    [
      `${HEAD}detection:\n  s:\n    eventName: A\n  condition: 1 of x*\n`,
      'rules/test.yml:10: not a valid Sigma rule: "1 of x*" names no search identifier in the condition "1 of x*"'
    ],
    [
      `${HEAD}detection:\n  s:\n    eventName|exists: maybe\n  condition: s\n`,
      'rules/test.yml:9: not a valid Sigma rule: exists takes true or false'
    ],
    [
      `${HEAD}detection:\n  s:\n    eventName:\n      a: b\n  condition: s\n`,
      'rules/test.yml:10: not a valid Sigma rule: a value must be a string, a number, a boolean or null'
    ],
    [
      `${HEAD}detection:\n  s: evil\n  condition: s\n`,
      'rules/test.yml:8: not a valid Sigma rule: a search identifier must be a map or a list'
    ],
    [
      `${HEAD}threshold:\n  count: 1\n  per: [principal]\n${detection}`,
      'rules/test.yml:8: not a valid Sigma rule: threshold must be {count: a whole number of 2 or more, per: [principal, account, region]}'
    ],
    [
      `${HEAD}threshold:\n  count: 5\n  per: [user]\n${detection}`,
      'rules/test.yml:9: not a valid Sigma rule: threshold must be {count: a whole number of 2 or more, per: [principal, account, region]}'
    ],
    [
      `${HEAD}${detection}${detection}`,
      'rules/test.yml:11: not valid YAML: Map keys must be unique'
    ]
  ])('%j', (yaml, message) => {
    expect(error(yaml)).toBe(message)
  })
})
