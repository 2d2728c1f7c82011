import { describe, expect, it, vi } from 'vitest'
import { Captures } from '../src/engine/local/parser/captures.js'
import {
  ERROR,
  IDENTITY_TYPE,
  Identities,
  NAME,
  recordFields,
  SOURCE
} from '../src/engine/local/parser/record.js'
import { type RuleData, RuleMatcher } from '../src/engine/local/parser/rules.js'
import { DeliveryScanner } from '../src/engine/local/parser/scanner.js'
import { Shapes } from '../src/engine/local/parser/shapes.js'
import { Texts } from '../src/engine/local/parser/texts.js'
import { cutCodePoints } from '../src/engine/local/parser/values.js'
import { readRuleFile } from '../src/rules/sigma.js'

/** A rule of `key` whose one selection is `body` (YAML lines of the selection's map). */
function rule(key: string, body: string): RuleData {
  const text = [
    `title: ${key}`,
    `id: ${key}`,
    `name: ${key}`,
    'level: low',
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    '  selection:',
    ...body.split('\n').map((line) => `    ${line}`),
    '  condition: selection'
  ].join('\n')
  const [loaded] = readRuleFile(text, `${key}.yml`, false).rules
  if (loaded === undefined) throw new Error(`${key} did not load`)
  return { key: loaded.key, condition: loaded.condition }
}

/** Each record's rules column, principal, actor and evidence, and how often `JSON.parse` ran. */
function readRecords(rules: readonly RuleData[], records: readonly object[]) {
  const paths = recordFields(rules.map(({ condition }) => condition))
  const captures = new Captures(paths.length)
  const scanner = new DeliveryScanner(new Shapes(paths), captures)
  const texts = new Texts()
  const matcher = new RuleMatcher(rules, texts, captures, paths)
  const identities = new Identities(texts)
  const read: { rules: string; principal: string; actor: string }[] = []
  scanner.load(Buffer.from(JSON.stringify({ Records: records })))
  const parse = vi.spyOn(JSON, 'parse')
  scanner.scan(() => {
    const rulesId = matcher.match(
      texts.idOf(captures, SOURCE),
      texts.idOf(captures, NAME),
      texts.idOf(captures, ERROR),
      texts.idOf(captures, IDENTITY_TYPE)
    )
    identities.read(captures)
    read.push({
      rules: texts.texts[rulesId] as string,
      principal: texts.texts[identities.principal] as string,
      actor: texts.texts[identities.actor] as string
    })
  })
  const parsed = parse.mock.calls.map(([text]) => text)
  parse.mockRestore()
  return { read, parsed, matcher }
}

const STOP = { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }

describe('the rules of a parser', () => {
  it('name every rule a record matches, in code point order', () => {
    const rules = [
      rule('stop', 'eventName: StopLogging'),
      rule('b-source', 'eventSource: cloudtrail.amazonaws.com'),
      rule('any', 'eventName|contains: o')
    ]
    const { read } = readRecords(rules, [STOP, { ...STOP, eventName: 'StartLogging' }, {}])
    expect(read.map((record) => record.rules)).toEqual(['any b-source stop', 'any b-source', ''])
  })

  it('decide a rule by the key fields alone without reading the rest of the record', () => {
    const rules = [
      rule('stop', 'eventName: StopLogging\nerrorCode|startswith: Access'),
      rule('agent', 'userAgent|contains: cli')
    ]
    const records = [STOP, { ...STOP, errorCode: 'AccessDenied', userAgent: 'aws-cli/2' }, {}]
    const { read, parsed } = readRecords(rules, records)
    expect(read.map((record) => record.rules)).toEqual(['', 'agent stop', ''])
    expect(parsed).toEqual([])
  })

  it('read the fields below a JSON column from the captures, without JSON.parse', () => {
    const rules = [
      rule('trail', 'eventName: StopLogging\nrequestParameters.name: main'),
      rule('tagged', 'requestParameters.tags|exists: true')
    ]
    const records = [
      { ...STOP, requestParameters: { name: 'main', tags: {} } },
      { ...STOP, requestParameters: { name: 'other', tags: null } },
      { ...STOP, requestParameters: { name: { main: 1 } } },
      { eventName: 'ListBuckets', requestParameters: { name: 'main', tags: [] } }
    ]
    const { read, parsed } = readRecords(rules, records)
    expect(read.map((record) => record.rules)).toEqual(['tagged trail', '', '', 'tagged'])
    expect(parsed).toEqual([])
  })

  it('parse only the value a rule reads whole: JSON text held in a string, or an array', () => {
    const rules = [
      rule('trail', 'eventName: StopLogging\nrequestParameters.name: main'),
      rule('bucket', 'resources.ARN|endswith: :logs')
    ]
    const records = [
      { ...STOP, requestParameters: '{"name":"main"}' },
      { eventName: 'PutBucketPolicy', resources: [{ ARN: 'arn:aws:s3:::logs' }] }
    ]
    const { read, parsed } = readRecords(rules, records)
    expect(read.map((record) => record.rules)).toEqual(['trail', 'bucket'])
    expect(parsed).toEqual([
      '"{\\"name\\":\\"main\\"}"',
      '{"name":"main"}',
      '[{"ARN":"arn:aws:s3:::logs"}]'
    ])
  })

  it("read each record's own value, however like the last one it is", () => {
    const rules = [rule('cli', 'userAgent|endswith: cli'), rule('ops', 'userAgent: ops')]
    const agents = [
      'aws-cli',
      'aws-cli',
      'aws-clj',
      'ops',
      'aws-cl\u00ed',
      'aws-cli',
      'OPS',
      'ops',
      'ops2'
    ]
    const { read } = readRecords(
      rules,
      agents.map((userAgent) => ({ ...STOP, userAgent }))
    )
    expect(read.map((record) => record.rules)).toEqual([
      'cli',
      'cli',
      '',
      'ops',
      '',
      'cli',
      'ops',
      'ops',
      ''
    ])
  })

  it('tell a key field that is absent or null from one that is empty', () => {
    const rules = [rule('coded', 'errorCode|exists: true')]
    const records = [{ errorCode: '' }, { errorCode: null }, {}, { errorCode: 0 }]
    expect(readRecords(rules, records).read.map((record) => record.rules)).toEqual([
      'coded',
      '',
      '',
      'coded'
    ])
  })

  it('read a number, a boolean or an object as the string column reads it', () => {
    const rules = [
      rule('number', 'eventName: "150"'),
      rule('object', 'userIdentity.type: \'{"a":1}\'')
    ]
    const records = [{ eventName: 1.5e2 }, { userIdentity: { type: { a: 1 } } }]
    expect(readRecords(rules, records).read.map((record) => record.rules)).toEqual([
      'number',
      'object'
    ])
  })
})

describe('the principal and the actor of a record', () => {
  const identity = (userIdentity: object) => ({ userIdentity })

  it('take the fallbacks of the contract in order', () => {
    const records = [
      identity({
        type: 'AssumedRole',
        arn: 'arn:aws:sts::1:assumed-role/ops/alice',
        sessionContext: {
          sessionIssuer: { arn: 'arn:aws:iam::1:role/ops' },
          sourceIdentity: 'laptop'
        }
      }),
      identity({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/ops/\u00e9\\u0041' }),
      identity({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/ops/', userName: 'u' }),
      identity({ type: 'IAMUser', arn: 'arn:aws:iam::1:user/bob', userName: 'bob' }),
      identity({ type: 'AWSAccount', accountId: '1', userName: 'named', invokedBy: '' }),
      identity({ type: 'IdentityCenterUser', accountId: '1', onBehalfOf: { userId: 'id-1' } }),
      identity({ type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }),
      {}
    ]
    expect(readRecords([], records).read.map(({ principal, actor }) => [principal, actor])).toEqual(
      [
        ['arn:aws:iam::1:role/ops', 'laptop'],
        ['arn:aws:sts::1:assumed-role/ops/\u00e9\\u0041', '\u00e9\\u0041'],
        ['arn:aws:sts::1:assumed-role/ops/', 'u'],
        ['arn:aws:iam::1:user/bob', 'bob'],
        ['named', 'named'],
        ['1', 'id-1'],
        ['ec2.amazonaws.com', 'ec2.amazonaws.com'],
        ['', '']
      ]
    )
  })
})

describe('the request parameters cut', () => {
  it('counts code points, a surrogate pair as one', () => {
    const astral = '\u{1f600}'
    expect(cutCodePoints(`ab${astral}c`, 3)).toBe(`ab${astral}`)
    expect(cutCodePoints(astral.repeat(3), 2)).toBe(astral.repeat(2))
    expect(cutCodePoints('\ud800x', 1)).toBe('\ud800')
    expect(cutCodePoints('short', 10)).toBe('short')
  })
})
