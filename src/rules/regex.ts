/**
 * Sigma's `re` values, rewritten into a subset of regular expressions that means the same to
 * Athena (Trino's Joni library, Java syntax), DuckDB (RE2, the SQL oracle) and JavaScript (the
 * local engine, with the `u` flag, so that each matches code points). What differs between them is
 * either refused by name or written out explicitly:
 * - `.` is `[^\n]`, or `[\s\S]` with `s` (JavaScript's `.` also stops at `\r`, U+2028, U+2029);
 * - `\d`, `\w`, `\s` are ASCII classes (JavaScript's `\s` has Unicode spaces, RE2's lacks `\v`);
 * - an unescaped `$` (and `^` not after `[`) is an anchor, for each compiler to render: Java's `$`
 *   also matches before a final newline, and JavaScript's multiline anchors also see `\r`;
 * - refused: lookaround, backreferences, named groups and other `(?` groups, inline flags,
 *   possessive quantifiers, `\b` and other escapes whose meaning differs (`\p`, `\v`, `\Q`…),
 *   nested classes and `&&` in classes (Java), repetition counts over 1000 (RE2's limit).
 * https://github.com/SigmaHQ/sigma-specification/blob/main/appendix/appendix_modifier.md
 */

/** Why an expression is refused: the construct, by name. */
export class UnsupportedRegex extends Error {}

/** Characters that have a meaning in an expression, escaped wherever they stand for themselves. */
const SYNTAX = new Set('\\^$.|?*+()[]{}')
/** Also escaped inside a class. */
const CLASS_SYNTAX = new Set('\\^$.|?*+()[]{}-')

const DIGIT: readonly Range[] = [[0x30, 0x39]]
const WORD: readonly Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a]
]
/** POSIX `[:space:]` in ASCII: tab, newline, vertical tab, form feed, carriage return, space. */
const SPACE: readonly Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20]
]
const MAX_REPEAT = 1000

type Range = readonly [number, number]

function codePoint(c: number): string {
  const char = String.fromCodePoint(c)
  if (c < 0x20 || c === 0x7f) return `\\x${c.toString(16).padStart(2, '0')}`
  return char
}

function literal(c: number): string {
  const char = String.fromCodePoint(c)
  return SYNTAX.has(char) ? `\\${char}` : codePoint(c)
}

function classMember(c: number): string {
  const char = String.fromCodePoint(c)
  return CLASS_SYNTAX.has(char) ? `\\${char}` : codePoint(c)
}

function classText(ranges: readonly Range[], negated: boolean): string {
  const body = ranges
    .map(([from, to]) =>
      from === to ? classMember(from) : `${classMember(from)}-${classMember(to)}`
    )
    .join('')
  return `[${negated ? '^' : ''}${body}]`
}

const ESCAPED_CLASSES: Readonly<Record<string, readonly Range[]>> = { d: DIGIT, w: WORD, s: SPACE }
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, r: 0x0d, t: 0x09, f: 0x0c }

/** The name of what an escape letter means, for those refused. */
function refusedEscape(letter: string): string {
  if (/[1-9]/.test(letter)) return 'a backreference'
  if (letter === 'k') return 'a named backreference'
  if (letter === 'b' || letter === 'B') return 'a word boundary (\\b, \\B)'
  if (letter === 'p' || letter === 'P') return 'a Unicode property (\\p)'
  if ('AzZG'.includes(letter)) return `the anchor \\${letter}`
  if (letter === 'Q' || letter === 'E') return 'quoting (\\Q…\\E)'
  return `the escape \\${letter}`
}

/**
 * The expression in the common subset, or `UnsupportedRegex` naming what it cannot take. `dotAll`
 * decides what `.` becomes; the anchors stay for the compilers.
 */
export function normalizeRegex(source: string, dotAll: boolean): string {
  const chars = Array.from(source)
  let i = 0
  let out = ''
  let depth = 0
  // Whether the last thing written can take a quantifier.
  let quantifiable = false
  const refuse = (what: string): never => {
    throw new UnsupportedRegex(`${what} in the regular expression ${JSON.stringify(source)}`)
  }
  const hex2 = (at: number): number => {
    const digits = chars.slice(at, at + 2).join('')
    if (!/^[0-9a-fA-F]{2}$/.test(digits)) refuse('an escape \\x without two hex digits')
    return parseInt(digits, 16)
  }

  /** One escape after `\` at `i`: a code point, or a class's ranges. */
  const escape = (inClass: boolean): number | { ranges: readonly Range[]; negated: boolean } => {
    const letter = chars[i]
    if (letter === undefined) return refuse('a trailing backslash')
    i++
    if (letter === 'x') {
      const value = hex2(i)
      i += 2
      return value
    }
    const control = CONTROL_ESCAPES[letter]
    if (control !== undefined) return control
    const lower = letter.toLowerCase()
    const ranges = ESCAPED_CLASSES[lower]
    if (ranges !== undefined) {
      const negated = letter !== lower
      if (negated && inClass) refuse(`\\${letter} inside a class`)
      return { ranges, negated }
    }
    if (/[A-Za-z0-9]/.test(letter)) refuse(refusedEscape(letter))
    return letter.codePointAt(0) as number
  }

  const characterClass = (): string => {
    i++
    let negated = false
    if (chars[i] === '^') {
      negated = true
      i++
    }
    if (chars[i] === ']') refuse('a class that starts with ]')
    const ranges: Range[] = []
    const member = (): number | readonly Range[] => {
      const char = chars[i]
      if (char === undefined) return refuse('an unclosed class')
      if (char === '[') refuse('[ inside a class (a nested class in Java)')
      if (char === '&' && chars[i + 1] === '&')
        refuse('&& inside a class (an intersection in Java)')
      if (char === '\\') {
        i++
        const escaped = escape(true)
        return typeof escaped === 'number' ? escaped : escaped.ranges
      }
      i++
      return char.codePointAt(0) as number
    }
    while (chars[i] !== ']') {
      const from = member()
      if (typeof from !== 'number') {
        ranges.push(...from)
        continue
      }
      if (chars[i] === '-' && chars[i + 1] !== ']' && chars[i + 1] !== undefined) {
        i++
        const to = member()
        if (typeof to !== 'number') return refuse('a range that ends in a class escape')
        if (to < from) refuse('a range out of order')
        ranges.push([from, to])
      } else {
        ranges.push([from, from])
      }
    }
    i++
    if (ranges.length === 0) refuse('an empty class')
    return classText(ranges, negated)
  }

  const quantifier = (): string => {
    const char = chars[i] as string
    let text = char
    i++
    if (char === '{') {
      const close = chars.indexOf('}', i)
      const body = close < 0 ? '' : chars.slice(i, close).join('')
      const match = /^(\d+)(,(\d*))?$/.exec(body)
      if (match === null) return refuse('a { that is not a repetition {n}, {n,} or {n,m}')
      const min = Number(match[1])
      const max = match[3] === undefined || match[3] === '' ? min : Number(match[3])
      if (min > MAX_REPEAT || max > MAX_REPEAT) refuse(`a repetition over ${MAX_REPEAT}`)
      if (max < min) refuse('a repetition {n,m} with m < n')
      text = `{${body}}`
      i = close + 1
    }
    if (!quantifiable) refuse(`a quantifier ${text} with nothing to repeat`)
    if (chars[i] === '+') refuse('a possessive quantifier')
    if (chars[i] === '?') {
      text += '?'
      i++
    }
    if (chars[i] !== undefined && '*+?{'.includes(chars[i] as string)) {
      refuse('two quantifiers in a row')
    }
    return text
  }

  while (i < chars.length) {
    const char = chars[i] as string
    if (char === '\\') {
      i++
      const escaped = escape(false)
      out +=
        typeof escaped === 'number' ? literal(escaped) : classText(escaped.ranges, escaped.negated)
      quantifiable = true
    } else if (char === '[') {
      out += characterClass()
      quantifiable = true
    } else if (char === '(') {
      if (chars[i + 1] === '?') {
        const next = chars[i + 2]
        if (next !== ':') {
          if (next === '=' || next === '!') refuse('a lookahead')
          if (next === '<' && (chars[i + 3] === '=' || chars[i + 3] === '!')) refuse('a lookbehind')
          if (next === '<' || next === 'P' || next === "'") refuse('a named group')
          if (next === '>') refuse('an atomic group')
          refuse('an inline flag or another (? group')
        }
        out += '(?:'
        i += 3
      } else {
        out += '('
        i++
      }
      depth++
      quantifiable = false
    } else if (char === ')') {
      if (depth === 0) refuse('an unopened )')
      depth--
      out += ')'
      i++
      quantifiable = true
    } else if (char === '|') {
      out += '|'
      i++
      quantifiable = false
    } else if (char === '^' || char === '$') {
      out += char
      i++
      quantifiable = false
    } else if (char === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]'
      i++
      quantifiable = true
    } else if ('*+?{'.includes(char)) {
      out += quantifier()
    } else if (char === ']' || char === '}') {
      refuse(`an unescaped ${char}`)
    } else {
      out += literal(char.codePointAt(0) as number)
      i++
      quantifiable = true
    }
  }
  if (depth > 0) refuse('an unclosed (')
  return out
}

/**
 * The anchors of a normalized expression replaced: `replace` gets `^` or `$` and gives the text
 * for it. Escapes and a class's leading `^` are kept, which is why the loader escapes every
 * other `^` and `$`.
 */
export function renderAnchors(source: string, replace: (anchor: '^' | '$') => string): string {
  return source.replace(/\\[\s\S]|\[\^|[\^$]/g, (token) =>
    token === '^' || token === '$' ? replace(token) : token
  )
}
