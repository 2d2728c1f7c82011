import type { Condition, FieldSource } from '../../../rules/rule.js'
import { createRuleCompiler, type Predicate, type RuleCompiler } from '../predicates.js'
import { type Captures, MISSING } from './captures.js'
import { KeyTable } from './keys.js'
import type { ListedRule } from './listings.js'
import { ERROR, IDENTITY_TYPE, NAME, SOURCE } from './record.js'
import type { Texts } from './texts.js'
import { CapturedValues } from './values.js'
import type { FieldPath } from './shapes.js'
import { compareText } from '../../../text-order.js'

/** A rule as a parser thread receives it: data (the IR), compiled in the thread. */
export interface RuleData extends ListedRule {
  /** What the aggregate's `rules` column calls it. */
  readonly key: string
  readonly condition: Condition
}

/** The fields every record's key reads anyway, which decide most rules before any other. */
const KNOWN: readonly { readonly path: string; readonly slot: number }[] = [
  { path: 'eventSource', slot: SOURCE },
  { path: 'eventName', slot: NAME },
  { path: 'errorCode', slot: ERROR },
  { path: 'userIdentity.type', slot: IDENTITY_TYPE }
]

/**
 * For one combination of the known fields: the rules' column when they decide every rule
 * (`rules` a text id), else each rule that may match, in key order, with what is left of it to
 * test (`null` when it holds whatever the rest of the record is).
 */
type Plan =
  | { readonly rules: number }
  | { readonly left: readonly { readonly key: string; readonly test: Predicate | null }[] }

/**
 * Evaluates the loaded rules on each record, as the aggregate's `rules` column: the keys of every
 * rule it matches, in code point order, space-separated. Each rule is first decided by the fields
 * every record's key reads (event source and name, error code, identity type): for each distinct
 * combination of them, once, the rules are specialized (`RuleCompiler.specialize`), so a record
 * whose combination decides every rule costs a table lookup. Only what is left is tested on the
 * record's other values (`CapturedValues`).
 */
export class RuleMatcher {
  private readonly compiler: RuleCompiler = createRuleCompiler()
  private readonly rules: readonly RuleData[]
  private readonly combinations = new KeyTable(KNOWN.length)
  private readonly plans: Plan[] = []
  readonly values: CapturedValues

  constructor(
    rules: readonly RuleData[],
    private readonly texts: Texts,
    private readonly captures: Captures,
    paths: readonly FieldPath[]
  ) {
    this.rules = [...rules].sort((a, b) => compareText(a.key, b.key))
    this.values = new CapturedValues(captures, this.compiler.fields, paths)
  }

  /**
   * Starts on the record in the captures (`values` read it from now on), and gives the text id of
   * its `rules` column, given the text ids of its event source, event
   * name, error code and identity type.
   */
  match(source: number, name: number, error: number, type: number): number {
    const { captures, combinations, values } = this
    values.reset()
    if (this.rules.length === 0) return 0
    const tuple = combinations.tuple
    // A field that is absent is not one that is '': `exists` tells them apart.
    tuple[0] = captures.kinds[SOURCE] === MISSING ? -1 : source
    tuple[1] = captures.kinds[NAME] === MISSING ? -1 : name
    tuple[2] = captures.kinds[ERROR] === MISSING ? -1 : error
    tuple[3] = captures.kinds[IDENTITY_TYPE] === MISSING ? -1 : type
    let id = combinations.find()
    if (id < 0) {
      id = combinations.add()
      this.plans[id] = this.plan(tuple)
    }
    const plan = this.plans[id] as Plan
    if ('rules' in plan) return plan.rules
    let matched = ''
    for (const { key, test } of plan.left) {
      if (test === null || test(values)) matched = matched === '' ? key : `${matched} ${key}`
    }
    return this.texts.idOfText(matched)
  }

  private plan(tuple: Int32Array): Plan {
    const known = (source: FieldSource): string | null | undefined => {
      const at = KNOWN.findIndex(({ path }) => path === source.keys.join('.'))
      if (at < 0) return undefined
      const text = tuple[at] as number
      return text < 0 ? null : (this.texts.texts[text] as string)
    }
    const left: { key: string; test: Predicate | null }[] = []
    for (const rule of this.rules) {
      const rest = this.compiler.specialize(rule.condition, known)
      if (rest === false) continue
      left.push({ key: rule.key, test: rest === true ? null : this.compiler.compile(rest) })
    }
    if (left.every(({ test }) => test === null)) {
      return { rules: this.texts.idOfText(left.map(({ key }) => key).join(' ')) }
    }
    return { left }
  }
}
