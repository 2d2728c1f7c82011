/**
 * One `field|modifier…: value(s)` entry of a Sigma selection, as a condition on one field.
 * https://github.com/SigmaHQ/sigma-specification/blob/main/specification/sigma-rules-specification.md
 * https://github.com/SigmaHQ/sigma-specification/blob/main/appendix/appendix_modifier.md
 */
import { isScalar, isSeq, type Node } from 'yaml'
import { resolveField, UnknownField } from './fields.js'
import { normalizeRegex, UnsupportedRegex } from './regex.js'
import type { Condition, Field, PatternPart, Test } from './rule.js'

/** A construct this project does not run: the rule is listed as not run, by this name. */
export class Unsupported extends Error {}

/** Not a valid Sigma rule: an error naming the file and the line of `node`. */
export class Invalid extends Error {
  constructor(
    message: string,
    readonly node: Node | null | undefined
  ) {
    super(message)
  }
}

/** Modifiers of the specification this project refuses, with what they are. */
const REFUSED_MODIFIERS: Readonly<Record<string, string>> = {
  windash: 'the modifier windash',
  base64: 'the modifier base64',
  base64offset: 'the modifier base64offset',
  utf16: 'the modifier utf16',
  utf16le: 'the modifier utf16le',
  utf16be: 'the modifier utf16be',
  wide: 'the modifier wide',
  lt: 'the modifier lt',
  lte: 'the modifier lte',
  gt: 'the modifier gt',
  gte: 'the modifier gte',
  expand: 'placeholders (the modifier expand)',
  fieldref: 'the modifier fieldref'
}
const STRING_SHAPES = ['contains', 'startswith', 'endswith'] as const
const REGEX_FLAGS = ['i', 'm', 's'] as const

/**
 * Lowercase as Trino's and DuckDB's `lower()` do: each code point by its simple mapping. That is
 * JavaScript's `toLowerCase` except for U+0130 (`İ`, which it makes `i̇`) and a final `Σ` (which it
 * makes `ς`); the local engine's predicates have the same function (a test checks both).
 */
export function lowerText(text: string): string {
  if (!/[\u0130\u03a3]/.test(text)) return text.toLowerCase()
  let out = ''
  for (const char of text) out += char === '\u0130' ? 'i' : char.toLowerCase()
  return out
}

/**
 * A Sigma string as parts: `*` and `?` are wildcards; a backslash escapes a wildcard or a
 * backslash, and is itself otherwise (so `\\` and `\` both mean one backslash, `\\*` a backslash
 * then a wildcard, `\\\*` a backslash then a star).
 */
export function patternParts(value: string): PatternPart[] {
  const parts: PatternPart[] = []
  let text = ''
  const chars = Array.from(value)
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string
    const next = chars[i + 1]
    if (char === '\\' && (next === '*' || next === '?' || next === '\\')) {
      text += next
      i++
    } else if (char === '*' || char === '?') {
      if (text !== '') parts.push({ text })
      text = ''
      // A run of stars is one star: the same for LIKE and for the local engine, and shorter.
      if (!(char === '*' && parts[parts.length - 1] === '*')) parts.push(char)
    } else {
      text += char
    }
  }
  if (text !== '') parts.push({ text })
  return parts
}

/** The text of a YAML scalar value: strings as they are, numbers and booleans as written. */
function scalarText(node: Node): string | null {
  if (!isScalar(node))
    throw new Invalid('a value must be a string, a number, a boolean or null', node)
  const value = node.value
  if (value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return node.source ?? String(value)
  }
  throw new Invalid('a value must be a string, a number, a boolean or null', node)
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function noLoneSurrogate(text: string, node: Node): string {
  if (LONE_SURROGATE.test(text)) throw new Invalid('a value holds a lone UTF-16 surrogate', node)
  return text
}

interface Modifiers {
  readonly shape: (typeof STRING_SHAPES)[number] | undefined
  readonly all: boolean
  readonly cased: boolean
  readonly re: boolean
  readonly flags: ReadonlySet<string>
  readonly cidr: boolean
  readonly exists: boolean
}

function parseModifiers(names: readonly string[]): Modifiers {
  let shape: Modifiers['shape']
  const seen = new Set<string>()
  const flags = new Set<string>()
  for (const name of names) {
    const refused = REFUSED_MODIFIERS[name]
    if (refused !== undefined) throw new Unsupported(refused)
    if ((REGEX_FLAGS as readonly string[]).includes(name)) {
      if (!seen.has('re')) throw new Unsupported(`the modifier ${name} without re`)
      flags.add(name)
      continue
    }
    if ((STRING_SHAPES as readonly string[]).includes(name)) {
      if (shape !== undefined) throw new Unsupported(`the modifiers ${shape} and ${name} together`)
      shape = name as Modifiers['shape']
    } else if (!['all', 'cased', 're', 'cidr', 'exists'].includes(name)) {
      throw new Unsupported(`the unknown modifier ${name}`)
    }
    seen.add(name)
  }
  const modifiers = {
    shape,
    all: seen.has('all'),
    cased: seen.has('cased'),
    re: seen.has('re'),
    flags,
    cidr: seen.has('cidr'),
    exists: seen.has('exists')
  }
  const kinds = [modifiers.re && 're', modifiers.cidr && 'cidr', modifiers.exists && 'exists']
  const special = kinds.filter((kind): kind is string => kind !== false)
  const others = [shape, modifiers.cased ? 'cased' : undefined].filter((name) => name !== undefined)
  if (special.length > 1 || (special.length === 1 && others.length > 0)) {
    throw new Unsupported(`the modifiers ${[...special, ...others].join(' and ')} together`)
  }
  return modifiers
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

function cidrTest(text: string): Test {
  const [network = '', prefix, ...rest] = text.split('/')
  if (network.includes(':')) throw new Unsupported(`the IPv6 network ${text} (cidr)`)
  if (
    !IPV4.test(network) ||
    rest.length > 0 ||
    (prefix !== undefined && !/^(3[0-2]|[12]?\d)$/.test(prefix))
  ) {
    throw new Unsupported(`the cidr value ${JSON.stringify(text)}, which is not an IPv4 network`)
  }
  return { kind: 'cidr', network, prefixLength: prefix === undefined ? 32 : Number(prefix) }
}

function valueTest(value: string | null, modifiers: Modifiers): Test {
  if (value === null) {
    if (modifiers.shape !== undefined || modifiers.re || modifiers.cidr || modifiers.cased) {
      throw new Unsupported('null with a modifier')
    }
    return { kind: 'null' }
  }
  if (modifiers.re) {
    try {
      return {
        kind: 'regex',
        source: normalizeRegex(value, modifiers.flags.has('s')),
        ignoreCase: modifiers.flags.has('i'),
        multiline: modifiers.flags.has('m'),
        dotAll: modifiers.flags.has('s')
      }
    } catch (error) {
      if (error instanceof UnsupportedRegex) throw new Unsupported(error.message)
      throw error
    }
  }
  if (modifiers.cidr) return cidrTest(value)
  const around = modifiers.shape
  let parts = patternParts(value)
  if (around === 'contains' || around === 'endswith') parts = ['*', ...parts]
  if (around === 'contains' || around === 'startswith') parts = [...parts, '*']
  parts = parts.filter((part, i) => !(part === '*' && parts[i - 1] === '*'))
  if (!modifiers.cased) {
    parts = parts.map((part) => (typeof part === 'string' ? part : { text: lowerText(part.text) }))
  }
  return { kind: 'pattern', parts, cased: modifiers.cased }
}

/**
 * The condition of one selection entry. `key` is the map key (`field|modifiers`); `keyNode` and
 * `valueNode` locate errors. A list is any of its values, or all of them with `all`.
 */
export function entryCondition(
  key: string,
  keyNode: Node | null,
  valueNode: Node | null
): Condition {
  const [path = '', ...names] = key.split('|')
  if (path === '') throw new Unsupported('keywords (values without a field)')
  const modifiers = parseModifiers(names)
  let field: Field
  try {
    field = resolveField(path)
  } catch (error) {
    if (error instanceof UnknownField) throw new Unsupported(error.message)
    throw error
  }
  if (valueNode === null) {
    if (modifiers.exists) throw new Invalid('exists takes true or false', keyNode)
    return { kind: 'match', field, test: valueTest(null, modifiers) }
  }
  if (modifiers.exists) {
    const value = isScalar(valueNode) ? valueNode.value : undefined
    if (typeof value !== 'boolean') throw new Invalid('exists takes true or false', valueNode)
    const exists: Condition = { kind: 'match', field, test: { kind: 'exists' } }
    return value ? exists : { kind: 'not', condition: exists }
  }
  const nodes = isSeq(valueNode) ? (valueNode.items as Node[]) : [valueNode]
  if (nodes.length === 0) throw new Unsupported('an empty list of values')
  const leaves = nodes.map((node): Condition => {
    const text = scalarText(node)
    return {
      kind: 'match',
      field,
      test: valueTest(text === null ? null : noLoneSurrogate(text, node), modifiers)
    }
  })
  if (leaves.length === 1) return leaves[0] as Condition
  return modifiers.all ? { kind: 'and', all: leaves } : { kind: 'or', any: leaves }
}
