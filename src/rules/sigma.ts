/**
 * One Sigma rule file's text → its rules, the rules it holds that cannot run here (by construct),
 * and those for other log sources; or an error naming the file and the line.
 * https://github.com/SigmaHQ/sigma-specification/blob/main/specification/sigma-rules-specification.md
 */
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Node,
  type YAMLMap
} from 'yaml'
import { parseCondition } from './condition.js'
import { LEVELS, type Condition, type Level, type Rule, type Threshold } from './rule.js'
import { entryCondition, Invalid, Unsupported } from './values.js'

/** A rule file that is not YAML, or not a Sigma rule. */
export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string
  ) {
    super(`${file}:${line}: ${reason}`)
    this.name = 'RuleFileError'
  }
}

/** A rule that is not run: `reason` names the construct. */
export interface NotRun {
  readonly file: string
  readonly id: string
  readonly title: string
  readonly reason: string
}

/** A rule for another log source than AWS CloudTrail. */
export interface NotApplicable {
  readonly file: string
  readonly id: string
  readonly title: string
  /** Its `logsource`, as `product/service` (`-` for a missing part). */
  readonly logsource: string
}

export interface RuleFileContents {
  readonly rules: readonly Rule[]
  readonly notRun: readonly NotRun[]
  readonly notApplicable: readonly NotApplicable[]
}

/** A rule's `name`: a kebab-case or snake_case word, usable in `fail-on`. */
export const RULE_NAME = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/
const THRESHOLD_PER = ['principal', 'account', 'region'] as const

function text(map: YAMLMap, key: string, required: boolean): string | undefined {
  const node = map.get(key, true) as Node | undefined
  if (node === undefined || (isScalar(node) && node.value === null)) {
    if (required) throw new Invalid(`the rule has no ${key}`, map)
    return undefined
  }
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
    throw new Invalid(`${key} must be a non-empty string`, node)
  }
  return node.value
}

function texts(map: YAMLMap, key: string): string[] {
  const node = map.get(key, true) as Node | undefined
  if (node === undefined || (isScalar(node) && node.value === null)) return []
  if (isScalar(node) && typeof node.value === 'string') return [node.value]
  if (!isSeq(node)) throw new Invalid(`${key} must be a list of strings`, node)
  return (node.items as Node[]).map((item) => {
    if (!isScalar(item) || typeof item.value !== 'string') {
      throw new Invalid(`${key} must be a list of strings`, item)
    }
    return item.value
  })
}

function threshold(map: YAMLMap): Threshold | undefined {
  const node = map.get('threshold', true) as Node | undefined
  if (node === undefined) return undefined
  const invalid = (at: Node): never => {
    throw new Invalid(
      `threshold must be {count: a whole number of 2 or more, per: [${THRESHOLD_PER.join(', ')}]}`,
      at
    )
  }
  if (!isMap(node)) return invalid(node)
  const count = node.get('count', true) as Node | undefined
  const per = node.get('per', true) as Node | undefined
  const keys = node.items.map((pair) => (isScalar(pair.key) ? pair.key.value : undefined))
  if (keys.some((key) => key !== 'count' && key !== 'per')) invalid(node)
  if (count === undefined || !isScalar(count) || !Number.isInteger(count.value))
    return invalid(node)
  if ((count.value as number) < 2) invalid(count)
  if (per === undefined || !isSeq(per) || per.items.length === 0) return invalid(node)
  const scopes = (per.items as Node[]).map((item) => {
    const value = isScalar(item) ? item.value : undefined
    if (!(THRESHOLD_PER as readonly unknown[]).includes(value)) invalid(item)
    return value as Threshold['per'][number]
  })
  if (new Set(scopes).size !== scopes.length) invalid(per)
  return { count: count.value as number, per: scopes }
}

/** A search identifier's condition: a map (all entries), or a list of maps (any). */
function selectionCondition(node: Node | null): Condition {
  if (isMap(node)) {
    if (node.items.length === 0) throw new Unsupported('an empty search identifier')
    const entries = node.items.map((pair) => {
      const key = pair.key as Node | null
      if (!isScalar(key) || typeof key.value !== 'string') {
        throw new Invalid('a field name must be a string', key)
      }
      return entryCondition(key.value, key, pair.value as Node | null)
    })
    return entries.length === 1 ? (entries[0] as Condition) : { kind: 'and', all: entries }
  }
  if (isSeq(node)) {
    const items = node.items as Node[]
    if (items.length === 0) throw new Unsupported('an empty search identifier')
    if (items.some((item) => !isMap(item)))
      throw new Unsupported('keywords (values without a field)')
    const maps = items.map(selectionCondition)
    return maps.length === 1 ? (maps[0] as Condition) : { kind: 'or', any: maps }
  }
  throw new Invalid('a search identifier must be a map or a list', node)
}

function detection(map: YAMLMap): Condition {
  const node = map.get('detection', true) as Node | undefined
  if (!isMap(node)) throw new Invalid('the rule has no detection map', node ?? map)
  const selections = new Map<string, Condition>()
  let conditionNode: Node | undefined
  for (const pair of node.items) {
    const key = pair.key as Node | null
    const name = isScalar(key) ? key.value : undefined
    if (typeof name !== 'string') throw new Invalid('a search identifier must be a string', key)
    if (name === 'condition') conditionNode = pair.value as Node
    else if (name === 'timeframe') throw new Unsupported('timeframe (an aggregation)')
    else selections.set(name, selectionCondition(pair.value as Node | null))
  }
  if (conditionNode === undefined) throw new Invalid('the detection has no condition', node)
  const conditionTexts = isSeq(conditionNode) ? (conditionNode.items as Node[]) : [conditionNode]
  if (conditionTexts.length === 0) throw new Invalid('the condition is empty', conditionNode)
  const conditions = conditionTexts.map((item) => {
    if (!isScalar(item) || typeof item.value !== 'string') {
      throw new Invalid('a condition must be a string', item)
    }
    try {
      return parseCondition(item.value, selections)
    } catch (error) {
      if (error instanceof Invalid && error.node === null) throw new Invalid(error.message, item)
      throw error
    }
  })
  return conditions.length === 1 ? (conditions[0] as Condition) : { kind: 'or', any: conditions }
}

type DocumentResult =
  | { readonly kind: 'rule'; readonly rule: Rule }
  | { readonly kind: 'not-run'; readonly entry: NotRun }
  | { readonly kind: 'not-applicable'; readonly entry: NotApplicable }

function readDocument(map: YAMLMap, file: string, builtin: boolean): DocumentResult {
  const label = (key: string): string => {
    const value = map.get(key)
    return typeof value === 'string' ? value : ''
  }
  const notRun = (reason: string): DocumentResult => ({
    kind: 'not-run',
    entry: { file, id: label('id'), title: label('title') || label('name'), reason }
  })
  if (map.has('action')) return notRun('a rule collection (action: global, reset or repeat)')
  if (map.has('correlation')) return notRun('a correlation rule')
  if (map.has('filter') && !map.has('detection')) return notRun('a Sigma filter')

  const title = text(map, 'title', true) as string
  const id = text(map, 'id', true) as string
  if (/[\s,~]/.test(id)) {
    throw new Invalid(
      `id ${JSON.stringify(id)} must have no space, comma or ~ (fail-on lists rules by id; ~ marks a suppression in the aggregate)`,
      map.get('id', true) as Node
    )
  }
  const name = text(map, 'name', false)
  const nameNode = map.get('name', true) as Node | undefined
  if (name !== undefined && !RULE_NAME.test(name)) {
    throw new Invalid(
      `name ${JSON.stringify(name)} must be kebab-case or snake_case (a-z, 0-9, - and _)`,
      nameNode
    )
  }
  if (name !== undefined && (LEVELS as readonly string[]).includes(name)) {
    throw new Invalid(
      `name ${JSON.stringify(name)} is a level, which fail-on reads as one`,
      nameNode
    )
  }
  const level = text(map, 'level', true) as string
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new Invalid(
      `level ${JSON.stringify(level)} is not one of ${LEVELS.join(', ')}`,
      map.get('level', true) as Node
    )
  }
  const logsource = map.get('logsource', true) as Node | undefined
  if (!isMap(logsource)) throw new Invalid('the rule has no logsource map', logsource ?? map)
  const product = logsource.get('product')
  const service = logsource.get('service')
  const ruleThreshold = threshold(map)
  if (product !== 'aws' || service !== 'cloudtrail') {
    const part = (value: unknown): string => (typeof value === 'string' ? value : '-')
    return {
      kind: 'not-applicable',
      entry: { file, id, title, logsource: `${part(product)}/${part(service)}` }
    }
  }
  let condition: Condition
  try {
    condition = detection(map)
  } catch (error) {
    if (error instanceof Unsupported) return notRun(error.message)
    throw error
  }
  return {
    kind: 'rule',
    rule: {
      key: name ?? id,
      id,
      name,
      title,
      description: text(map, 'description', false) ?? '',
      author: text(map, 'author', false) ?? '',
      level: level as Level,
      status: text(map, 'status', false) ?? '',
      tags: texts(map, 'tags'),
      references: texts(map, 'references'),
      falsepositives: texts(map, 'falsepositives'),
      file,
      builtin,
      condition,
      threshold: ruleThreshold
    }
  }
}

/**
 * The rules in one file's text (a YAML stream may hold several documents, each read on its own).
 * `file` names it in results and errors.
 */
export function readRuleFile(source: string, file: string, builtin: boolean): RuleFileContents {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(source, { lineCounter, prettyErrors: false })
  const lineOf = (offset: number | undefined): number => lineCounter.linePos(offset ?? 0).line
  const rules: Rule[] = []
  const notRun: NotRun[] = []
  const notApplicable: NotApplicable[] = []
  for (const document of documents) {
    const error = document.errors[0]
    if (error !== undefined) {
      throw new RuleFileError(
        file,
        lineOf(error.pos[0]),
        `not valid YAML: ${error.message.split('\n')[0] as string}`
      )
    }
    if (document.contents === null) continue
    if (!isMap(document.contents)) {
      throw new RuleFileError(
        file,
        lineOf(document.contents.range?.[0]),
        'not a Sigma rule: the document is not a map'
      )
    }
    let result: DocumentResult
    try {
      result = readDocument(document.contents, file, builtin)
    } catch (error) {
      if (error instanceof Invalid) {
        const at = error.node?.range?.[0] ?? document.contents.range?.[0]
        throw new RuleFileError(file, lineOf(at), `not a valid Sigma rule: ${error.message}`)
      }
      throw error
    }
    if (result.kind === 'rule') rules.push(result.rule)
    else if (result.kind === 'not-run') notRun.push(result.entry)
    else notApplicable.push(result.entry)
  }
  if (rules.length + notRun.length + notApplicable.length === 0) {
    throw new RuleFileError(file, 1, 'not a Sigma rule: the file has no document')
  }
  return { rules, notRun, notApplicable }
}
