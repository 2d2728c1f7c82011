import type { Condition, FieldSource, PatternPart, Test } from '../../rules/rule.js'

/**
 * A record's values, as a compiled rule reads them, by the index of the field in
 * `RuleCompiler.fields`. The local engine's parser implements it over the fields it captured
 * (lazily: a value is only made when a rule asks); `jsonRecordValues` implements it over a record
 * read with `JSON.parse`. The values follow the rule IR's semantics (`rules/rule.ts`).
 */
export interface RecordValues {
  /** A `column`, `struct` or `json` field's text, or `null` when it has none. */
  text(field: number): string | null
  /** Whether a `json` field is there and not null (an object or an array is, though it has no text). */
  present(field: number): boolean
  /** An `array` field's value in each element (`null` where an element lacks it), or `null`. */
  elements(field: number): readonly (string | null)[] | null
}

export type Predicate = (record: RecordValues) => boolean

/** A field's value when it is known before the record is read: `undefined` when it is not. */
export type KnownValue = (source: FieldSource) => string | null | undefined

export interface RuleCompiler {
  /** Every field the compiled predicates read, by the index they ask `RecordValues` for. */
  readonly fields: readonly FieldSource[]
  compile(condition: Condition): Predicate
  /**
   * The condition with every test on a known field decided: `true` or `false` when nothing else
   * is left, else what is left. The local engine calls it once per distinct combination of the
   * fields it knows for every record (event source and name, error code, identity type) and
   * caches the result, so that most rules cost nothing per event.
   */
  specialize(condition: Condition, known: KnownValue): Condition | boolean
}

/**
 * Makes a compiler of rule conditions to predicates; each parser thread makes its own, from the
 * rules it receives as data (`parser/rules.ts`). Its semantics are those of
 * `engine/athena/rules-sql.ts`, which the SQL oracle test proves equal.
 */
export function createRuleCompiler(): RuleCompiler {
  const fields: FieldSource[] = []
  const fieldIndexes = new Map<string, number>()
  const fieldIndex = (source: FieldSource): number => {
    const key = JSON.stringify(source)
    let index = fieldIndexes.get(key)
    if (index === undefined) {
      index = fields.length
      fields.push(source)
      fieldIndexes.set(key, index)
    }
    return index
  }

  /** Trino's and DuckDB's `lower()`: each code point by its simple mapping (see `lowerText`). */
  const lower = (text: string): string => {
    if (!/[\u0130\u03a3]/.test(text)) return text.toLowerCase()
    let out = ''
    for (const char of text) out += char === '\u0130' ? 'i' : char.toLowerCase()
    return out
  }

  const escapeRegex = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')

  /** A Sigma string's parts as a test of a whole (already lowercased, unless cased) value. */
  const patternMatcher = (parts: readonly PatternPart[]): ((value: string) => boolean) => {
    const texts = parts.map((part) => (typeof part === 'string' ? undefined : part.text))
    const [first, second] = texts
    if (parts.length === 0) return (value) => value === ''
    if (parts.length === 1 && first !== undefined) return (value) => value === first
    if (parts.length === 2 && parts[0] === '*' && second !== undefined) {
      return (value) => value.endsWith(second)
    }
    if (parts.length === 2 && parts[1] === '*' && first !== undefined) {
      return (value) => value.startsWith(first)
    }
    if (parts.length === 3 && parts[0] === '*' && parts[2] === '*' && second !== undefined) {
      return (value) => value.includes(second)
    }
    if (parts.length === 1 && parts[0] === '*') return () => true
    // `[\s\S]` with the `u` flag: any one code point, newlines included, as LIKE's `_`.
    const body = parts
      .map((part) =>
        part === '*' ? '[\\s\\S]*' : part === '?' ? '[\\s\\S]' : escapeRegex(part.text)
      )
      .join('')
    const regex = new RegExp(`^${body}$`, 'u')
    return (value) => regex.test(value)
  }

  const IPV4 =
    /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/
  const ipv4Number = (address: string): number =>
    address.split('.').reduce((number, octet) => number * 256 + Number(octet), 0)

  /** A test of a value that is there (`null` values never pass a value test). */
  const valueTests = new Map<string, (value: string) => boolean>()
  const valueTest = (test: Test): ((value: string) => boolean) => {
    const key = JSON.stringify(test)
    const cached = valueTests.get(key)
    if (cached !== undefined) return cached
    let made: (value: string) => boolean
    switch (test.kind) {
      case 'pattern': {
        const matches = patternMatcher(test.parts)
        made = test.cased ? matches : (value) => matches(lower(value))
        break
      }
      case 'regex': {
        // Multiline anchors see `\n` only, as in Java and RE2, where JavaScript's also see `\r`.
        const source = test.multiline
          ? test.source.replace(/\\[\s\S]|\[\^|[\^$]/g, (token) =>
              token === '^' ? '(?<![^\\n])' : token === '$' ? '(?![^\\n])' : token
            )
          : test.source
        const regex = new RegExp(source, test.ignoreCase ? 'iu' : 'u')
        made = (value) => regex.test(value)
        break
      }
      case 'cidr': {
        const size = 2 ** (32 - test.prefixLength)
        const low = Math.floor(ipv4Number(test.network) / size) * size
        const high = low + size - 1
        made = (value) => {
          if (!IPV4.test(value)) return false
          const number = ipv4Number(value)
          return number >= low && number <= high
        }
        break
      }
      case 'exists':
      case 'null':
        throw new Error(`${test.kind} is not a value test`)
    }
    valueTests.set(key, made)
    return made
  }

  const compileMatch = (source: FieldSource, test: Test): Predicate => {
    const index = fieldIndex(source)
    if (source.kind === 'array') {
      const anyElement =
        (holds: (value: string) => boolean): Predicate =>
        (record) => {
          const values = record.elements(index)
          if (values === null) return false
          for (const value of values) if (value !== null && holds(value)) return true
          return false
        }
      if (test.kind === 'exists') return anyElement(() => true)
      if (test.kind === 'null') {
        const exists = anyElement(() => true)
        return (record) => !exists(record)
      }
      return anyElement(valueTest(test))
    }
    if (test.kind === 'exists' || test.kind === 'null') {
      const wanted = test.kind === 'exists'
      return source.kind === 'json' && source.path.length > 0
        ? (record) => record.present(index) === wanted
        : (record) => (record.text(index) !== null) === wanted
    }
    const holds = valueTest(test)
    // The last answer, for the same text again (the parser hands the same string back).
    let lastValue: string | null = null
    let lastAnswer = false
    return (record) => {
      const value = record.text(index)
      if (value === null) return false
      if (value !== lastValue) {
        lastValue = value
        lastAnswer = holds(value)
      }
      return lastAnswer
    }
  }

  const compile = (condition: Condition): Predicate => {
    switch (condition.kind) {
      case 'and': {
        const parts = condition.all.map(compile)
        return (record) => {
          for (const part of parts) if (!part(record)) return false
          return true
        }
      }
      case 'or': {
        const parts = condition.any.map(compile)
        return (record) => {
          for (const part of parts) if (part(record)) return true
          return false
        }
      }
      case 'not': {
        const part = compile(condition.condition)
        return (record) => !part(record)
      }
      case 'match':
        return compileMatch(condition.field.source, condition.test)
    }
  }

  const specialize = (condition: Condition, known: KnownValue): Condition | boolean => {
    switch (condition.kind) {
      case 'and':
      case 'or': {
        const decisive = condition.kind === 'or'
        const left: Condition[] = []
        for (const part of condition.kind === 'and' ? condition.all : condition.any) {
          const result = specialize(part, known)
          if (result === decisive) return decisive
          if (result !== !decisive) left.push(result as Condition)
        }
        if (left.length === 0) return !decisive
        if (left.length === 1) return left[0] as Condition
        return condition.kind === 'and' ? { kind: 'and', all: left } : { kind: 'or', any: left }
      }
      case 'not': {
        const result = specialize(condition.condition, known)
        return typeof result === 'boolean' ? !result : { kind: 'not', condition: result }
      }
      case 'match': {
        const { source } = condition.field
        if (source.kind !== 'column' && source.kind !== 'struct') return condition
        const value = known(source)
        if (value === undefined) return condition
        const { test } = condition
        if (test.kind === 'exists') return value !== null
        if (test.kind === 'null') return value === null
        return value !== null && valueTest(test)(value)
      }
    }
  }

  return { fields, compile, specialize }
}
