import type { AggregateRow } from '../engine/aggregate.js'
import { Input } from '../inputs/definitions.js'
import { InputError, isEventItem } from '../inputs/validation.js'
import { LEVELS, type Level, type Rule } from '../rules/rule.js'
import { atLeast, type FindingsCollector, type RuleResult } from './findings.js'

/** A `fail-on` item, resolved against the loaded rules. */
export type FailOnItem =
  | { readonly item: string; readonly kind: 'level'; readonly level: Level }
  /** Every loaded rule whose name or id the item is. */
  | { readonly item: string; readonly kind: 'rules'; readonly rules: readonly Rule[] }
  /** An event name, in any service (`eventsource` undefined) or in one. */
  | {
      readonly item: string
      readonly kind: 'event'
      readonly eventsource: string | undefined
      readonly eventname: string
    }

/** How many events (or logging gaps) one `fail-on` item matched. */
export interface FailOnMatch {
  readonly item: string
  readonly events: number
}

export interface FailOnResult {
  /** Events and logging gaps matched by any item, each counted once. */
  readonly flagged: number
  /** Of `flagged`, the logging gaps (days without events), which are no events. */
  readonly gaps: number
  /** The items that matched, with their counts, in the order given. */
  readonly matches: readonly FailOnMatch[]
}

/**
 * The `fail-on` items against the loaded rules, before any AWS call: a level, else a rule's name
 * or id, else an event name; anything else is a rule that is not loaded (a typo, or a rule of
 * `builtin-rules` turned off), refused rather than silently never matching.
 */
export function resolveFailOn(items: readonly string[], rules: readonly Rule[]): FailOnItem[] {
  return items.map((item): FailOnItem => {
    if ((LEVELS as readonly string[]).includes(item)) {
      return { item, kind: 'level', level: item as Level }
    }
    const named = rules.filter((rule) => rule.key === item || rule.id === item)
    if (named.length > 0) return { item, kind: 'rules', rules: named }
    if (isEventItem(item)) {
      const colon = item.lastIndexOf(':')
      return colon < 0
        ? { item, kind: 'event', eventsource: undefined, eventname: item }
        : {
            item,
            kind: 'event',
            eventsource: item.slice(0, colon),
            eventname: item.slice(colon + 1)
          }
    }
    throw new InputError(
      Input.FailOn,
      `names no loaded rule (by name or id), level (${LEVELS.join(', ')}) or event name`,
      item
    )
  })
}

/** Whether a level or rule item names a rule. */
function ruleMatches(item: FailOnItem & { kind: 'level' | 'rules' }, rule: Rule): boolean {
  return item.kind === 'level' ? atLeast(rule.level, item.level) : item.rules.includes(rule)
}

/** Whether an item matches a row's events, `rules` the row's rules that found something. */
function itemMatches(item: FailOnItem, row: AggregateRow, rules: readonly Rule[]): boolean {
  switch (item.kind) {
    case 'level':
    case 'rules':
      return rules.some((rule) => ruleMatches(item, rule))
    case 'event':
      return (
        item.eventname === row.eventname &&
        (item.eventsource === undefined || item.eventsource === row.eventsource)
      )
  }
}

/**
 * `fail-on` over the aggregate as it streams by: an event counts when any item matches it (once,
 * however many do). Rules match through their findings, so a threshold rule's events count only
 * in the groups that reach its count: rows with such a rule wait for the findings' results.
 */
export class FailOnTally {
  private flagged = 0
  private readonly counts: number[]
  private held: AggregateRow[] = []

  constructor(
    private readonly items: readonly FailOnItem[],
    private readonly findings: FindingsCollector
  ) {
    this.counts = items.map(() => 0)
  }

  add(row: AggregateRow): void {
    if (this.items.length === 0) return
    const rules = this.findings.rulesOf(row)
    if (rules.some((rule) => rule.threshold !== undefined)) this.held.push({ ...row, evidence: [] })
    else this.count(row, rules)
  }

  /**
   * Once the findings' `results()` have run. `gaps` are the logging gaps' results: each gap is one
   * match, as an event is.
   */
  result(gaps: readonly RuleResult[] = []): FailOnResult {
    for (const row of this.held) {
      const rules = this.findings.rulesOf(row).filter((rule) => this.findings.reached(rule, row))
      this.count(row, rules)
    }
    this.held = []
    let gapMatches = 0
    for (const { rule, findings } of gaps) {
      let matched = false
      this.items.forEach((item, index) => {
        if (item.kind === 'event' || !ruleMatches(item, rule)) return
        this.counts[index] = (this.counts[index] as number) + findings
        matched = true
      })
      if (matched) gapMatches += findings
    }
    return {
      flagged: this.flagged + gapMatches,
      gaps: gapMatches,
      matches: this.items
        .map((item, index) => ({ item: item.item, events: this.counts[index] as number }))
        .filter((match) => match.events > 0)
    }
  }

  private count(row: AggregateRow, rules: readonly Rule[]): void {
    let matched = false
    this.items.forEach((item, index) => {
      if (!itemMatches(item, row, rules)) return
      this.counts[index] = (this.counts[index] as number) + row.events
      matched = true
    })
    if (matched) this.flagged += row.events
  }
}

/** The step's failure message: what matched and how often. */
export function failOnMessage(result: FailOnResult): string {
  const parts = result.matches.map(({ item, events }) => `${item} (${events})`)
  return `fail-on matched ${matchedCount(result)}: ${parts.join(', ')}`
}

/** `3 events`, `1 logging gap`, `2 events and 1 logging gap`. */
export function matchedCount(result: FailOnResult): string {
  const events = result.flagged - result.gaps
  const counts = [
    events > 0 || result.gaps === 0 ? `${events} event${events === 1 ? '' : 's'}` : '',
    result.gaps > 0 ? `${result.gaps} logging gap${result.gaps === 1 ? '' : 's'}` : ''
  ].filter((count) => count !== '')
  return counts.join(' and ')
}
