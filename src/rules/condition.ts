/**
 * A Sigma `condition` expression over the rule's search identifiers, as one `Condition`.
 * Precedence, least binding first: `or`, `and`, `not`, `1 of`/`any of`/`all of`, parentheses.
 * https://github.com/SigmaHQ/sigma-specification/blob/main/specification/sigma-rules-specification.md#condition
 */
import type { Condition } from './rule.js'
import { Invalid, Unsupported } from './values.js'

/** `(`, `)`, a word (an identifier, a pattern with `*`, a keyword or a number), or `|`. */
const TOKEN = /\s*(\(|\)|\||[^\s()|]+)/y

function tokens(text: string): string[] {
  const found: string[] = []
  TOKEN.lastIndex = 0
  for (;;) {
    const start = TOKEN.lastIndex
    const match = TOKEN.exec(text)
    if (match === null) {
      if (text.slice(start).trim() !== '')
        throw new Invalid(`cannot read the condition ${JSON.stringify(text)}`, null)
      return found
    }
    found.push(match[1] as string)
  }
}

const IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const PATTERN = /^[A-Za-z0-9_*][A-Za-z0-9_.*-]*$/

function wildcardMatcher(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.\\^$|?+()[\]{}-]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`)
}

/**
 * The condition `text` over `selections` (search identifier → its condition, in the order the
 * rule defines them). Aggregations and `near` are not run; an unknown identifier, a pattern that
 * matches none and a malformed expression make the rule invalid.
 */
export function parseCondition(
  text: string,
  selections: ReadonlyMap<string, Condition>
): Condition {
  const list = tokens(text)
  let at = 0
  const peek = (): string | undefined => list[at]
  const fail = (what: string): never => {
    throw new Invalid(`${what} in the condition ${JSON.stringify(text)}`, null)
  }

  const quantified = (quantifier: string): Condition => {
    at += 2
    const target = list[at++]
    if (target === undefined) return fail(`nothing after "${quantifier} of"`)
    let names: string[]
    if (target === 'them') {
      names = [...selections.keys()].filter((name) => !name.startsWith('_'))
    } else {
      if (!PATTERN.test(target)) return fail(`"${target}" is not a search identifier pattern`)
      const matcher = wildcardMatcher(target)
      names = [...selections.keys()].filter((name) => matcher.test(name))
    }
    if (names.length === 0) fail(`"${quantifier} of ${target}" names no search identifier`)
    const parts = names.map((name) => selections.get(name) as Condition)
    if (parts.length === 1) return parts[0] as Condition
    return quantifier === 'all' ? { kind: 'and', all: parts } : { kind: 'or', any: parts }
  }

  const primary = (): Condition => {
    const token = peek()
    if (token === undefined) return fail('an unexpected end')
    if (token === '(') {
      at++
      const inner = or()
      if (list[at++] !== ')') fail('a missing )')
      return inner
    }
    if (list[at + 1] === 'of') {
      if (token === '1' || token === 'any' || token === 'all')
        return quantified(token === 'all' ? 'all' : token)
      throw new Unsupported(`"${token} of" (only 1 of, any of and all of)`)
    }
    if (token === 'near') throw new Unsupported('near')
    if (['and', 'or', 'not', ')', '|', 'of', 'them'].includes(token)) {
      return fail(`an unexpected "${token}"`)
    }
    if (!IDENTIFIER.test(token)) return fail(`"${token}" is not a search identifier`)
    const selection = selections.get(token)
    if (selection === undefined) return fail(`the unknown search identifier "${token}"`)
    at++
    return selection
  }

  const not = (): Condition => {
    if (peek() === 'not') {
      at++
      return { kind: 'not', condition: not() }
    }
    return primary()
  }

  const and = (): Condition => {
    const parts = [not()]
    while (peek() === 'and') {
      at++
      parts.push(not())
    }
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'and', all: parts }
  }

  const or = (): Condition => {
    const parts = [and()]
    while (peek() === 'or') {
      at++
      parts.push(and())
    }
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'or', any: parts }
  }

  // An aggregation (`| count() by x > 5`) is found anywhere, before it is misread.
  if (list.includes('|')) throw new Unsupported('an aggregation (| count() and the like)')
  const condition = or()
  if (at < list.length) fail(`an unexpected "${list[at] as string}"`)
  return condition
}
