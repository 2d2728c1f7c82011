/**
 * Rules as Trino (Athena engine v3) SQL over the CloudTrail table's columns: each condition a
 * boolean expression that is never NULL (every test is `coalesce(…, false)`, so `NOT` means what
 * it means to the local engine's predicates), and the `rules` column, the keys of the rules an
 * event matches. Rule values reach the text only through `sqlString`. The semantics are those of
 * the rule IR (`rules/rule.ts`); the SQL oracle test proves them equal to `local/predicates.ts`.
 */
import { renderAnchors } from '../../rules/regex.js'
import type { Condition, FieldSource, PatternPart, Rule, Test } from '../../rules/rule.js'
import { compareText } from '../../text-order.js'

/**
 * The most elements of one `ARRAY[…]`: Trino refuses a function call, the array constructor
 * included, with more than 254 arguments. Longer lists are `ARRAY[…] || ARRAY[…]`.
 */
export const ARRAY_CHUNK = 250

/** A Trino string literal: the value between quotes, each `'` doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

const NAME = /^[a-z][a-z0-9]*$/

function name(value: string): string {
  if (!NAME.test(value)) throw new Error(`Refusing ${JSON.stringify(value)} as a column name`)
  return value
}

/** The variable an `array` field's tests bind to each element. */
const ELEMENT = 'r'

/** A JSON path in the bracket notation, which takes any key (the catalogue refuses `"`, `\`). */
function jsonPath(path: readonly string[]): string {
  return `$${path.map((key) => `["${key}"]`).join('')}`
}

/** The text of a `column`, `struct` or `json` field, or of an `array` field of `ELEMENT`. */
function valueSql(source: FieldSource): string {
  switch (source.kind) {
    case 'column':
      return name(source.column)
    case 'struct':
      return [source.column, ...source.path].map(name).join('.')
    case 'json':
      return source.path.length === 0
        ? name(source.column)
        : `json_extract_scalar(${name(source.column)}, ${sqlString(jsonPath(source.path))})`
    case 'array':
      return `${ELEMENT}.${name(source.field)}`
  }
}

/** A LIKE pattern with `\` as its escape: `%`, `_` and `\` in the text are escaped. */
function likePattern(parts: readonly PatternPart[]): string {
  return parts
    .map((part) =>
      part === '*' ? '%' : part === '?' ? '_' : part.text.replace(/[%_\\]/g, (char) => `\\${char}`)
    )
    .join('')
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
/** A dotted-quad IPv4 address, nothing before or after (`\z`: Java's `$` allows a final newline). */
const IPV4 = `^${OCTET}(\\.${OCTET}){3}\\z`

function ipv4Number(address: string): number {
  return address.split('.').reduce((number, octet) => number * 256 + Number(octet), 0)
}

/** A test of `value` (SQL text): NULL when the value is NULL, which the caller coalesces. */
function testSql(value: string, test: Test): string {
  switch (test.kind) {
    case 'pattern': {
      const subject = test.cased ? value : `lower(${value})`
      if (test.parts.every((part) => typeof part !== 'string')) {
        return `${subject} = ${sqlString(test.parts.map((part) => (part as { text: string }).text).join(''))}`
      }
      return `${subject} LIKE ${sqlString(likePattern(test.parts))} ESCAPE '\\'`
    }
    case 'regex': {
      // Without `m`, `$` is `\z`: Java's `$` also matches before a final newline, RE2's and
      // JavaScript's do not. With `m`, both anchors are at `\n` in Java and RE2 alike.
      const flags = `${test.ignoreCase ? 'i' : ''}${test.multiline ? 'm' : ''}`
      const source = test.multiline
        ? test.source
        : renderAnchors(test.source, (anchor) => (anchor === '$' ? '\\z' : '^'))
      return `regexp_like(${value}, ${sqlString(`${flags === '' ? '' : `(?${flags})`}${source}`)})`
    }
    case 'cidr': {
      const size = 2 ** (32 - test.prefixLength)
      const low = Math.floor(ipv4Number(test.network) / size) * size
      const octet = (i: number): string => `try_cast(split_part(${value}, '.', ${i}) AS bigint)`
      const octets = `${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)}`
      return `(regexp_like(${value}, ${sqlString(IPV4)}) AND ${octets} BETWEEN ${low} AND ${low + size - 1})`
    }
    case 'exists':
      return `${value} IS NOT NULL`
    case 'null':
      return `${value} IS NULL`
  }
}

/** Whether a `json` path holds something other than null: objects and arrays count. */
function jsonPresentSql(source: FieldSource & { kind: 'json' }): string {
  const extracted = `json_extract(${name(source.column)}, ${sqlString(jsonPath(source.path))})`
  return `coalesce(json_format(${extracted}), 'null') <> 'null'`
}

function matchSql(source: FieldSource, test: Test): string {
  if (source.kind === 'array') {
    const anyElement = (elementTest: string): string =>
      `coalesce(cardinality(filter(${name(source.column)}, ${ELEMENT} -> ${elementTest})), 0) > 0`
    const element = valueSql(source)
    if (test.kind === 'exists') return anyElement(`${element} IS NOT NULL`)
    if (test.kind === 'null') return `NOT ${anyElement(`${element} IS NOT NULL`)}`
    return anyElement(`coalesce(${testSql(element, test)}, false)`)
  }
  if (source.kind === 'json' && source.path.length > 0) {
    if (test.kind === 'exists') return jsonPresentSql(source)
    if (test.kind === 'null') return `NOT ${jsonPresentSql(source)}`
  }
  if (test.kind === 'exists' || test.kind === 'null') return testSql(valueSql(source), test)
  return `coalesce(${testSql(valueSql(source), test)}, false)`
}

/** A plain value without wildcards, which several can share as `IN (…)`. */
function exactText(test: Test): string | undefined {
  if (test.kind !== 'pattern' || test.parts.length !== 1) return undefined
  const [part] = test.parts
  return typeof part === 'object' ? part.text : undefined
}

/** The tests of an `or`, with plain values of the same scalar field and case merged into `IN`. */
function orSql(parts: readonly Condition[]): string {
  const groups = new Map<string, { subject: string; texts: string[] }>()
  const rendered: (string | { group: string })[] = []
  for (const part of parts) {
    const text = part.kind === 'match' ? exactText(part.test) : undefined
    if (part.kind !== 'match' || text === undefined || part.field.source.kind === 'array') {
      rendered.push(conditionSql(part))
      continue
    }
    const test = part.test as Test & { kind: 'pattern' }
    const value = valueSql(part.field.source)
    const subject = test.cased ? value : `lower(${value})`
    const group = groups.get(subject)
    if (group === undefined) {
      groups.set(subject, { subject, texts: [text] })
      rendered.push({ group: subject })
    } else {
      group.texts.push(text)
    }
  }
  const sql = rendered.map((item) => {
    if (typeof item === 'string') return item
    const group = groups.get(item.group) as { subject: string; texts: string[] }
    const texts = [...new Set(group.texts)]
    return texts.length === 1
      ? `coalesce(${group.subject} = ${sqlString(texts[0] as string)}, false)`
      : `coalesce(${group.subject} IN (${texts.map(sqlString).join(', ')}), false)`
  })
  return sql.length === 1 ? (sql[0] as string) : `(${sql.join(' OR ')})`
}

/** A condition as a Trino boolean expression over the table's columns, never NULL. */
export function conditionSql(condition: Condition): string {
  switch (condition.kind) {
    case 'and':
      return `(${condition.all.map(conditionSql).join(' AND ')})`
    case 'or':
      return orSql(condition.any)
    case 'not':
      return `NOT ${conditionSql(condition.condition)}`
    case 'match':
      return matchSql(condition.field.source, condition.test)
  }
}

/**
 * The `rules` column: the keys of the rules the event matches, in ascending code point order,
 * joined by one space, `''` when none (`array_join` leaves the NULLs of rules not matched out).
 */
export function rulesColumnSql(rules: readonly Pick<Rule, 'key' | 'condition'>[]): string {
  if (rules.length === 0) return "''"
  const sorted = [...rules].sort((a, b) => compareText(a.key, b.key))
  const items = sorted.map(
    (rule) => `      CASE WHEN ${conditionSql(rule.condition)} THEN ${sqlString(rule.key)} END`
  )
  const chunks: string[] = []
  for (let i = 0; i < items.length; i += ARRAY_CHUNK) {
    chunks.push(`ARRAY[\n${items.slice(i, i + ARRAY_CHUNK).join(',\n')}\n    ]`)
  }
  return `array_join(${chunks.join(' || ')}, ' ')`
}
