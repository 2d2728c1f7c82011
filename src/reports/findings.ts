import {
  compareEvidence,
  compareText,
  type AggregateRow,
  type Evidence
} from '../engine/aggregate.js'
import { LEVELS, type Level, type Rule } from '../rules/rule.js'

/** What a matched call came to: it ran, it was refused for lack of permission, or it failed. */
export type Outcome = 'success' | 'denied' | 'error'

/**
 * `AccessDenied…` (most services), `…UnauthorizedOperation` (EC2) and other `…Unauthorized…` codes
 * are refusals; any other error code is a failure of another kind.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
export function outcomeOf(errorcode: string): Outcome {
  if (errorcode === '') return 'success'
  if (errorcode.startsWith('AccessDenied') || errorcode.includes('Unauthorized')) return 'denied'
  return 'error'
}

/** The row columns a finding is built from. */
export type MatchedRow = Pick<
  AggregateRow,
  | 'account'
  | 'region'
  | 'eventsource'
  | 'eventname'
  | 'eventdate'
  | 'errorcode'
  | 'principal'
  | 'actor'
  | 'rules'
  | 'events'
  | 'first'
  | 'last'
  | 'evidence'
>

/** The columns that group a threshold rule's events: the UTC day and the rule's `per` columns. */
export type ThresholdColumns = Pick<AggregateRow, 'eventdate' | 'principal' | 'account' | 'region'>

/** One rule and one event that matched it. */
export interface Finding extends Evidence {
  readonly rule: Rule
  readonly account: string
  readonly region: string
  readonly eventsource: string
  readonly eventname: string
  readonly outcome: Outcome
  readonly errorcode: string
  readonly principal: string
  readonly actor: string
}

/** Everything a rule matched in the window: exact counts, and its first findings. */
export interface RuleResult {
  readonly rule: Rule
  readonly findings: number
  readonly success: number
  readonly denied: number
  readonly error: number
  readonly first: string
  readonly last: string
  /** Distinct, ascending. */
  readonly principals: readonly string[]
  readonly actors: readonly string[]
  /** The earliest findings, at most the evidence limit. */
  readonly listed: readonly Finding[]
}

/** Most severe first, then by rule key. */
export function compareRules(a: Rule, b: Rule): number {
  return LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || compareText(a.key, b.key)
}

/** Earliest first; equal evidence (one event delivered under two keys) by the row's columns. */
function compareFindings(a: Finding, b: Finding): number {
  return (
    compareEvidence(a, b) ||
    compareText(a.account, b.account) ||
    compareText(a.region, b.region) ||
    compareText(a.eventsource, b.eventsource) ||
    compareText(a.eventname, b.eventname) ||
    compareText(a.errorcode, b.errorcode) ||
    compareText(a.principal, b.principal) ||
    compareText(a.actor, b.actor)
  )
}

class RuleTally {
  findings = 0
  success = 0
  denied = 0
  error = 0
  first = ''
  last = ''
  readonly principals = new Set<string>()
  readonly actors = new Set<string>()
  /** Sorted, at most `limit`. */
  listed: Finding[] = []

  constructor(
    readonly rule: Rule,
    private readonly limit: number
  ) {}

  add(row: MatchedRow): void {
    this.findings += row.events
    this[outcomeOf(row.errorcode)] += row.events
    if (this.first === '' || compareText(row.first, this.first) < 0) this.first = row.first
    if (compareText(row.last, this.last) > 0) this.last = row.last
    this.principals.add(row.principal)
    this.actors.add(row.actor)
    for (const evidence of row.evidence) this.offer(findingOf(this.rule, row, evidence))
  }

  private offer(finding: Finding): void {
    const { listed, limit } = this
    if (listed.length >= limit) {
      const latest = listed[listed.length - 1]
      if (latest === undefined || compareFindings(finding, latest) >= 0) return
      listed.pop()
    }
    let at = listed.length
    while (at > 0 && compareFindings(finding, listed[at - 1] as Finding) < 0) at--
    listed.splice(at, 0, finding)
  }

  result(): RuleResult {
    const sorted = (values: Set<string>): string[] => [...values].sort(compareText)
    return {
      rule: this.rule,
      findings: this.findings,
      success: this.success,
      denied: this.denied,
      error: this.error,
      first: this.first,
      last: this.last,
      principals: sorted(this.principals),
      actors: sorted(this.actors),
      listed: this.listed
    }
  }
}

function findingOf(rule: Rule, row: MatchedRow, evidence: Evidence): Finding {
  return {
    ...evidence,
    rule,
    account: row.account,
    region: row.region,
    eventsource: row.eventsource,
    eventname: row.eventname,
    outcome: outcomeOf(row.errorcode),
    errorcode: row.errorcode,
    principal: row.principal,
    actor: row.actor
  }
}

/**
 * The findings of every rule, from the aggregate rows as they stream by. A threshold rule's rows
 * are held until the end, when the groups (per UTC day and the rule's `per` columns) that reach
 * its count are known; every other rule's counts are final as they are added.
 */
export class FindingsCollector {
  private readonly byKey: ReadonlyMap<string, Rule>
  private readonly tallies = new Map<string, RuleTally>()
  private readonly held = new Map<string, MatchedRow[]>()
  /** Per threshold rule, once `results()` has run: the events of each of its groups. */
  private readonly groupEvents = new Map<string, ReadonlyMap<string, number>>()

  constructor(
    rules: readonly Rule[],
    private readonly evidenceLimit: number
  ) {
    this.byKey = new Map(rules.map((rule) => [rule.key, rule]))
  }

  /** The rules of a row, by key: every token of its `rules` column names a loaded rule. */
  rulesOf(row: Pick<MatchedRow, 'rules'>): Rule[] {
    if (row.rules === '') return []
    return row.rules.split(' ').map((key) => {
      const rule = this.byKey.get(key)
      if (rule === undefined)
        throw new Error(`The aggregate names the rule '${key}', which is not loaded`)
      return rule
    })
  }

  add(row: MatchedRow): void {
    for (const rule of this.rulesOf(row)) {
      if (rule.threshold === undefined) this.tallyOf(rule).add(row)
      else this.hold(rule.key, row)
    }
  }

  /** Rules that matched, most severe first. */
  results(): RuleResult[] {
    for (const [key, rows] of this.held) {
      const rule = this.byKey.get(key) as Rule
      this.groupEvents.set(key, groupEvents(rule, rows))
      for (const row of rows) if (this.reached(rule, row)) this.tallyOf(rule).add(row)
    }
    this.held.clear()
    return [...this.tallies.values()]
      .map((tally) => tally.result())
      .sort((a, b) => compareRules(a.rule, b.rule))
  }

  /**
   * Whether a row's events are findings of one of its rules: always, unless the rule has a
   * threshold and the row's group (UTC day and the rule's `per` columns) has fewer events than
   * its count. Known for threshold rules once `results()` has run.
   */
  reached(rule: Rule, row: ThresholdColumns): boolean {
    if (rule.threshold === undefined) return true
    const groups = this.groupEvents.get(rule.key)
    if (groups === undefined) throw new Error(`The groups of ${rule.key} are not known yet`)
    return (groups.get(groupOf(rule, row)) ?? 0) >= rule.threshold.count
  }

  private tallyOf(rule: Rule): RuleTally {
    let tally = this.tallies.get(rule.key)
    if (tally === undefined) {
      tally = new RuleTally(rule, this.evidenceLimit)
      this.tallies.set(rule.key, tally)
    }
    return tally
  }

  private hold(key: string, row: MatchedRow): void {
    const rows = this.held.get(key)
    if (rows === undefined) this.held.set(key, [row])
    else rows.push(row)
  }
}

/** A threshold rule's group of a row: its UTC day and the rule's `per` columns. */
function groupOf(rule: Rule, row: ThresholdColumns): string {
  return JSON.stringify([
    row.eventdate,
    ...(rule.threshold?.per ?? []).map((column) => row[column])
  ])
}

/** The events of each group of a threshold rule's rows. */
function groupEvents(rule: Rule, rows: readonly MatchedRow[]): Map<string, number> {
  const totals = new Map<string, number>()
  for (const row of rows) {
    const group = groupOf(rule, row)
    totals.set(group, (totals.get(group) ?? 0) + row.events)
  }
  return totals
}

/** Whether a level is at or above another: `high` covers high and critical. */
export function atLeast(level: Level, floor: Level): boolean {
  return LEVELS.indexOf(level) <= LEVELS.indexOf(floor)
}
