import { describe, expect, it } from 'vitest'
import {
  ARRAY_CHUNK,
  conditionSql,
  rulesColumnSql,
  sqlString
} from '../src/engine/athena/rules-sql.js'
import { resolveField } from '../src/rules/fields.js'
import type { Condition, Test } from '../src/rules/rule.js'

const match = (path: string, test: Test): Condition => ({
  kind: 'match',
  field: resolveField(path),
  test
})
const pattern = (parts: (string | { text: string })[], cased = false): Test => ({
  kind: 'pattern',
  parts: parts.map((part) =>
    part === '*' || part === '?' ? part : typeof part === 'string' ? { text: part } : part
  ) as never,
  cased
})

describe('rule values in SQL', () => {
  it('doubles quotes in a string literal and keeps backslashes', () => {
    expect(sqlString("it's a\\b")).toBe("'it''s a\\b'")
  })
})

describe('rule conditions in SQL', () => {
  it.each([
    [
      match('eventName', pattern(['stoplogging'])),
      "coalesce(lower(eventname) = 'stoplogging', false)"
    ],
    [
      match('eventName', pattern(['StopLogging'], true)),
      "coalesce(eventname = 'StopLogging', false)"
    ],
    [
      match('userIdentity.sessionContext.sessionIssuer.type', pattern(['role'])),
      "coalesce(lower(useridentity.sessioncontext.sessionissuer.type) = 'role', false)"
    ],
    [
      match('requestParameters.userName', pattern(['*', "o'k%_\\", '?', '*'])),
      `coalesce(lower(json_extract_scalar(requestparameters, '$["userName"]')) LIKE '%o''k\\%\\_\\\\_%' ESCAPE '\\', false)`
    ],
    [
      match('responseElements', pattern(['*', 'x', '*'])),
      "coalesce(lower(responseelements) LIKE '%x%' ESCAPE '\\', false)"
    ],
    [
      match('resources.ARN', pattern(['arn:', '*'])),
      "coalesce(cardinality(filter(resources, r -> coalesce(lower(r.arn) LIKE 'arn:%' ESCAPE '\\', false))), 0) > 0"
    ],
    [
      match('userAgent', {
        kind: 'regex',
        source: '^a[^\\n]b$',
        ignoreCase: false,
        multiline: false,
        dotAll: false
      }),
      "coalesce(regexp_like(useragent, '^a[^\\n]b\\z'), false)"
    ],
    [
      match('userAgent', {
        kind: 'regex',
        source: '^a$',
        ignoreCase: true,
        multiline: true,
        dotAll: false
      }),
      "coalesce(regexp_like(useragent, '(?im)^a$'), false)"
    ],
    [
      match('sourceIPAddress', { kind: 'cidr', network: '10.1.0.0', prefixLength: 16 }),
      "coalesce((regexp_like(sourceipaddress, '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\\z') AND " +
        "try_cast(split_part(sourceipaddress, '.', 1) AS bigint) * 16777216 + try_cast(split_part(sourceipaddress, '.', 2) AS bigint) * 65536 + " +
        "try_cast(split_part(sourceipaddress, '.', 3) AS bigint) * 256 + try_cast(split_part(sourceipaddress, '.', 4) AS bigint) BETWEEN 167837696 AND 167903231), false)"
    ],
    [match('errorCode', { kind: 'exists' }), 'errorcode IS NOT NULL'],
    [match('userIdentity.invokedBy', { kind: 'null' }), 'useridentity.invokedby IS NULL'],
    [
      match('requestParameters.policy', { kind: 'exists' }),
      `coalesce(json_format(json_extract(requestparameters, '$["policy"]')), 'null') <> 'null'`
    ],
    [
      match('requestParameters.policy', { kind: 'null' }),
      `NOT coalesce(json_format(json_extract(requestparameters, '$["policy"]')), 'null') <> 'null'`
    ],
    [match('requestParameters', { kind: 'null' }), 'requestparameters IS NULL'],
    [
      match('resources.type', { kind: 'exists' }),
      'coalesce(cardinality(filter(resources, r -> r.type IS NOT NULL)), 0) > 0'
    ],
    [
      match('resources.type', { kind: 'null' }),
      'NOT coalesce(cardinality(filter(resources, r -> r.type IS NOT NULL)), 0) > 0'
    ]
  ] as const)('renders %#: %j', (condition, sql) => {
    expect(conditionSql(condition)).toBe(sql)
  })

  it('renders and, or and not, with plain values of one field as IN', () => {
    const condition: Condition = {
      kind: 'and',
      all: [
        {
          kind: 'or',
          any: [
            match('eventName', pattern(['a'])),
            match('errorCode', { kind: 'exists' }),
            match('eventName', pattern(['b'])),
            match('eventName', pattern(['c'], true)),
            match('eventName', pattern(['a']))
          ]
        },
        { kind: 'not', condition: match('eventSource', pattern(['s'])) }
      ]
    }
    expect(conditionSql(condition)).toBe(
      "((coalesce(lower(eventname) IN ('a', 'b'), false) OR errorcode IS NOT NULL OR coalesce(eventname = 'c', false)) AND NOT coalesce(lower(eventsource) = 's', false))"
    )
  })
})

describe('the rules column', () => {
  it("is '' without rules", () => {
    expect(rulesColumnSql([])).toBe("''")
  })

  it('lists each matched key in ascending code point order', () => {
    const rules = [
      { key: 'zeta', condition: match('eventName', pattern(['z'])) },
      { key: 'alpha', condition: match('errorCode', { kind: 'exists' }) }
    ]
    expect(rulesColumnSql(rules)).toBe(
      [
        'array_join(ARRAY[',
        "      CASE WHEN errorcode IS NOT NULL THEN 'alpha' END,",
        "      CASE WHEN coalesce(lower(eventname) = 'z', false) THEN 'zeta' END",
        "    ], ' ')"
      ].join('\n')
    )
  })

  it('splits a long list into arrays that Trino takes', () => {
    const rules = Array.from({ length: ARRAY_CHUNK * 2 + 1 }, (_, i) => ({
      key: `r${String(i).padStart(4, '0')}`,
      condition: match('errorCode', { kind: 'exists' })
    }))
    const sql = rulesColumnSql(rules)
    expect(sql.split('ARRAY[').length - 1).toBe(3)
    expect(sql.split('    ] || ARRAY[').length - 1).toBe(2)
    expect(sql.split('\n').filter((line) => line.includes('CASE WHEN'))).toHaveLength(
      ARRAY_CHUNK * 2 + 1
    )
  })
})
