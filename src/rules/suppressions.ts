/**
 * The suppressions file (input `suppressions`, by default `.github/cloudtrail-report.yml` when it
 * exists): per rule, the findings that are expected, each entry with a reason and an optional
 * expiry. A suppressed finding is not dropped: it is counted, written to `suppressed.csv` and
 * left out of `fail-on`. Each entry is compiled into the rule language (`Condition`), so both
 * engines evaluate it in the scan, with the rules, and the counts stay exact.
 *
 * ```yaml
 * suppressions:
 *   unauthorized-calls:            # a rule's name or id
 *     - principal: arn:aws:iam::111122223333:role/security-scanner
 *       reason: The scanner probes what it may call
 *       expires: 2027-03-31        # optional: the last day it holds (UTC)
 *     - actor: '*@example.com'     # several fields: all must match
 *       source-ip: [10.0.0.0/8, 192.168.1.*]   # a list: any of them
 *       reason: Access reviews from the office
 * ```
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import { isCalendarDate } from '../inputs/window.js'
import { resolveField } from './fields.js'
import { ACTOR_CANDIDATES, computedMatch, PRINCIPAL_CANDIDATES } from './identity.js'
import type { Condition, Rule, Test } from './rule.js'
import { lowerText, patternParts } from './values.js'
import { compareText } from '../text-order.js'

/** What an entry can match a finding by, as the file names it. */
export const SUPPRESSION_FIELDS = [
  'principal',
  'actor',
  'account',
  'source-ip',
  'user-agent'
] as const
export type SuppressionField = (typeof SUPPRESSION_FIELDS)[number]

const ENTRY_KEYS: readonly string[] = [...SUPPRESSION_FIELDS, 'reason', 'expires']

export interface SuppressionEntry {
  /** 1-based, in file order: the `N` of the aggregate's `key~N` token. */
  readonly index: number
  /** The key of the rule it suppresses (the file may name the rule by its id). */
  readonly rule: string
  /** Where the entry starts in the file. */
  readonly line: number
  /** Each field's values (any of them); every field given must match. */
  readonly match: Readonly<Partial<Record<SuppressionField, readonly string[]>>>
  readonly reason: string
  /** The last day the entry holds, `YYYY-MM-DD` (UTC); `undefined`: no end. */
  readonly expires: string | undefined
  /** Over the record, for the engines: whether the entry matches an event. */
  readonly condition: Condition
}

export interface Suppressions {
  /** As the user named it (relative to the workspace). */
  readonly file: string
  readonly entries: readonly SuppressionEntry[]
}

/** A suppressions file that cannot be used: the file, the line and (when known) the rule. */
export class SuppressionsFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly rule: string | undefined,
    readonly reason: string
  ) {
    super(`${file}:${line}: ${rule === undefined ? '' : `rule ${rule}: `}${reason}`)
    this.name = 'SuppressionsFileError'
  }
}

/** A finding's value is matched as a Sigma plain value: case-insensitive, `*` and `?`. */
function patternTest(value: string): Test {
  const parts = patternParts(value).map((part) =>
    typeof part === 'string' ? part : { text: lowerText(part.text) }
  )
  return { kind: 'pattern', parts, cased: false }
}

const IPV4_NETWORK =
  /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})\/(3[0-2]|[12]?\d)$/

/**
 * A column as the reports show it, `''` when absent: a pattern that matches `''` also matches an
 * absent value.
 */
function columnMatch(path: string, test: Test): Condition {
  const field = resolveField(path)
  const match: Condition = { kind: 'match', field, test }
  if (test.kind !== 'pattern' || !test.parts.every((part) => part === '*')) return match
  return { kind: 'or', any: [match, { kind: 'match', field, test: { kind: 'null' } }] }
}

function valueCondition(name: SuppressionField, value: string): Condition {
  switch (name) {
    case 'principal':
      return computedMatch(PRINCIPAL_CANDIDATES, value)
    case 'actor':
      return computedMatch(ACTOR_CANDIDATES, value)
    case 'account':
      return columnMatch('recipientAccountId', patternTest(value))
    case 'user-agent':
      return columnMatch('userAgent', patternTest(value))
    case 'source-ip': {
      const network = IPV4_NETWORK.exec(value)
      if (network === null) return columnMatch('sourceIPAddress', patternTest(value))
      const test: Test = {
        kind: 'cidr',
        network: network[1] as string,
        prefixLength: Number(network[5])
      }
      return columnMatch('sourceIPAddress', test)
    }
  }
}

/** The entry's fields as one condition: each field any of its values, all fields together. */
export function suppressionCondition(match: SuppressionEntry['match']): Condition {
  const fields = SUPPRESSION_FIELDS.filter((name) => match[name] !== undefined).map(
    (name): Condition => {
      const values = (match[name] as readonly string[]).map((value) => valueCondition(name, value))
      return values.length === 1 ? (values[0] as Condition) : { kind: 'or', any: values }
    }
  )
  return fields.length === 1 ? (fields[0] as Condition) : { kind: 'and', all: fields }
}

/** Thrown inside the parser, turned into `SuppressionsFileError` with the node's line. */
class Invalid extends Error {
  constructor(
    message: string,
    readonly node: Node | null | undefined,
    readonly rule?: string
  ) {
    super(message)
  }
}

function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node)) return undefined
  if (typeof node.value === 'string') return node.value
  // An account id written without quotes is a number to YAML: its digits as written.
  if (typeof node.value === 'number' || typeof node.value === 'bigint')
    return node.source ?? String(node.value)
  return undefined
}

function fieldValues(name: string, node: Node | null, rule: string): string[] {
  const invalid = (at: Node | null): never => {
    throw new Invalid(`${name} must be a string or a list of strings`, at, rule)
  }
  const items = isSeq(node) ? (node.items as Node[]) : [node]
  if (items.length === 0) invalid(node)
  return items.map((item) => {
    const text = scalarText(item)
    if (text === undefined || text === '') return invalid(item)
    return text
  })
}

function readEntry(
  node: Node,
  rule: string,
  index: number,
  lineOf: (node: Node) => number
): SuppressionEntry {
  if (!isMap(node)) throw new Invalid('an entry must be a map', node, rule)
  const match: Partial<Record<SuppressionField, readonly string[]>> = {}
  let reason: string | undefined
  let expires: string | undefined
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null
    const key = scalarText(keyNode)
    const value = pair.value as Node | null
    if (key === undefined || !ENTRY_KEYS.includes(key)) {
      throw new Invalid(
        `unknown field ${JSON.stringify(key ?? String(keyNode))}; an entry has ${ENTRY_KEYS.join(', ')}`,
        keyNode,
        rule
      )
    }
    if (key === 'reason') {
      reason = isScalar(value) && typeof value.value === 'string' ? value.value.trim() : ''
      if (reason === '') throw new Invalid('reason must be a non-empty string', value, rule)
    } else if (key === 'expires') {
      expires = isScalar(value) && typeof value.value === 'string' ? value.value : ''
      if (!isCalendarDate(expires)) {
        throw new Invalid(
          `expires must be a date YYYY-MM-DD; got ${JSON.stringify(isScalar(value) ? value.value : null)}`,
          value,
          rule
        )
      }
    } else {
      match[key as SuppressionField] = fieldValues(key, value, rule)
    }
  }
  if (Object.keys(match).length === 0) {
    throw new Invalid(
      `the entry matches nothing: give at least one of ${SUPPRESSION_FIELDS.join(', ')} (use '*' for any)`,
      node,
      rule
    )
  }
  if (reason === undefined) throw new Invalid('the entry has no reason', node, rule)
  return {
    index,
    rule,
    line: lineOf(node),
    match,
    reason,
    expires,
    condition: suppressionCondition(match)
  }
}

/**
 * The entries of a suppressions file's text, checked against the loaded rules (named by key or
 * id). Throws `SuppressionsFileError` with the line and the rule for anything it cannot use.
 */
export function parseSuppressions(
  text: string,
  file: string,
  rules: readonly Pick<Rule, 'key' | 'id'>[]
): Suppressions {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const lineAt = (offset: number | undefined): number => lineCounter.linePos(offset ?? 0).line
  const lineOf = (node: Node): number => lineAt(node.range?.[0])
  const yamlError = document.errors[0]
  if (yamlError !== undefined) {
    throw new SuppressionsFileError(
      file,
      lineAt(yamlError.pos[0]),
      undefined,
      `not valid YAML: ${yamlError.message.split('\n')[0] as string}`
    )
  }
  const byName = new Map<string, string>()
  for (const rule of rules) {
    byName.set(rule.id, rule.key)
    byName.set(rule.key, rule.key)
  }
  const entries: SuppressionEntry[] = []
  try {
    const root = document.contents as Node | null
    if (root === null || (isScalar(root) && root.value === null)) return { file, entries }
    if (!isMap(root)) throw new Invalid('the file must be a map with the key suppressions', root)
    for (const pair of root.items) {
      if (scalarText(pair.key as Node) !== 'suppressions') {
        throw new Invalid(
          `unknown key ${JSON.stringify(scalarText(pair.key as Node) ?? '')}; the file has one key, suppressions`,
          pair.key as Node
        )
      }
    }
    const list = root.get('suppressions', true) as Node | null | undefined
    if (list === undefined || list === null || (isScalar(list) && list.value === null)) {
      return { file, entries }
    }
    if (!isMap(list)) {
      throw new Invalid('suppressions must map rule names or ids to lists of entries', list)
    }
    for (const pair of list.items) {
      const keyNode = pair.key as Node | null
      const name = scalarText(keyNode)
      if (name === undefined) throw new Invalid('a rule must be named by its name or id', keyNode)
      const rule = byName.get(name)
      if (rule === undefined) {
        throw new Invalid('no rule of this run has this name or id', keyNode, name)
      }
      const value = pair.value as Node | null
      if (!isSeq(value) || value.items.length === 0) {
        throw new Invalid('must be a list of entries', value ?? keyNode, name)
      }
      for (const item of value.items as Node[]) {
        entries.push(readEntry(item, rule, entries.length + 1, lineOf))
      }
    }
  } catch (error) {
    if (!(error instanceof Invalid)) throw error
    throw new SuppressionsFileError(file, lineAt(error.node?.range?.[0]), error.rule, error.message)
  }
  return { file, entries }
}

/**
 * The file named by the `suppressions` input (relative to the workspace), or the default one when
 * it exists; `undefined` when there is none. A file named by the input must exist.
 */
export async function readSuppressions(
  file: { readonly path: string; readonly explicit: boolean },
  workspace: string,
  rules: readonly Pick<Rule, 'key' | 'id'>[]
): Promise<Suppressions | undefined> {
  let text: string
  try {
    text = await readFile(resolve(workspace, file.path), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !file.explicit) return undefined
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`
    throw new SuppressionsFileError(file.path, 1, undefined, `the file ${why}`)
  }
  return parseSuppressions(text, file.path, rules)
}

/** Whether the entry's last day is before `today` (`YYYY-MM-DD`, UTC). */
export function isExpired(entry: Pick<SuppressionEntry, 'expires'>, today: string): boolean {
  return entry.expires !== undefined && entry.expires < today
}

/**
 * The rules as the engines run them, with the entries that apply compiled in. A rule with entries
 * becomes its own key where none of them matches, and `key~N` where entry N is the first of them
 * that matches: each event a rule matches is one token of the `rules` column, suppressed or not,
 * so the counts stay exact. Sorted by key, as `Scope.rules` is.
 */
export function scanRules(
  rules: readonly Rule[],
  entries: readonly Pick<SuppressionEntry, 'index' | 'rule' | 'condition'>[]
): Rule[] {
  const scanned = rules.flatMap((rule): Rule[] => {
    const own = entries.filter((entry) => entry.rule === rule.key)
    if (own.length === 0) return [rule]
    const none = (of: readonly Pick<SuppressionEntry, 'condition'>[]): Condition[] =>
      of.map((entry) => ({ kind: 'not', condition: entry.condition }))
    const suppressed = own.map((entry, i): Rule => ({
      ...rule,
      key: `${rule.key}~${entry.index}`,
      condition: {
        kind: 'and',
        all: [rule.condition, ...none(own.slice(0, i)), entry.condition]
      }
    }))
    return [
      { ...rule, condition: { kind: 'and', all: [rule.condition, ...none(own)] } },
      ...suppressed
    ]
  })
  return scanned.sort((a, b) => compareText(a.key, b.key))
}
