import { compareEvidence, type AggregateRow, type Evidence } from '../engine/aggregate.js'
import { LEVELS, type Level, type Rule } from '../rules/rule.js'
import type { SuppressionEntry } from '../rules/suppressions.js'
import { compareText } from '../text-order.js'

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
  /** `''` for a logging gap, which is no call. */
  readonly outcome: Outcome | ''
  readonly errorcode: string
  readonly principal: string
  readonly actor: string
  /** The suppressions file's entry that expects it; `undefined` for a finding to act on. */
  readonly suppression?: SuppressionEntry
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

  add(row: MatchedRow, suppression: SuppressionEntry | undefined): void {
    this.findings += row.events
    this[outcomeOf(row.errorcode)] += row.events
    if (this.first === '' || compareText(row.first, this.first) < 0) this.first = row.first
    if (compareText(row.last, this.last) > 0) this.last = row.last
    this.principals.add(row.principal)
    this.actors.add(row.actor)
    for (const evidence of row.evidence) {
      this.offer(findingOf(this.rule, row, evidence, suppression))
    }
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

function findingOf(
  rule: Rule,
  row: MatchedRow,
  evidence: Evidence,
  suppression: SuppressionEntry | undefined
): Finding {
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
    actor: row.actor,
    ...(suppression === undefined ? {} : { suppression })
  }
}

/** One token of a row's `rules` column: a rule the events matched, and the entry suppressing it. */
interface RowRule {
  readonly rule: Rule
  readonly suppression: SuppressionEntry | undefined
}

/** Rows held for a threshold rule, each with the entry suppressing its events. */
type HeldRow = RowRule & { readonly row: MatchedRow }

/**
 * The findings of every rule, from the aggregate rows as they stream by. A threshold rule's rows
 * are held until the end, when the groups (per UTC day and the rule's `per` columns) that reach
 * its count are known; every other rule's counts are final as they are added. A token `key~N` of
 * the `rules` column is rule `key` matched and suppressed by entry N of the suppressions file:
 * such findings are tallied apart, never with the findings to act on.
 */
export class FindingsCollector {
  private readonly byKey: ReadonlyMap<string, Rule>
  private readonly entries: ReadonlyMap<number, SuppressionEntry>
  private readonly tallies = new Map<string, RuleTally>()
  private readonly suppressedTallies = new Map<string, RuleTally>()
  private readonly entryFindings = new Map<number, number>()
  private readonly held = new Map<string, HeldRow[]>()
  /** Per threshold rule, once the held rows are released: the events of each of its groups. */
  private readonly groupEvents = new Map<string, ReadonlyMap<string, number>>()

  constructor(
    rules: readonly Rule[],
    private readonly evidenceLimit: number,
    suppressions: readonly SuppressionEntry[] = []
  ) {
    this.byKey = new Map(rules.map((rule) => [rule.key, rule]))
    this.entries = new Map(suppressions.map((entry) => [entry.index, entry]))
  }

  /**
   * The rules of a row whose findings are to act on: every token of its `rules` column names a
   * loaded rule (and a suppressed one, `key~N`, an entry of that rule), and suppressed ones are
   * left out.
   */
  rulesOf(row: Pick<MatchedRow, 'rules'>): Rule[] {
    return this.tokensOf(row)
      .filter((token) => token.suppression === undefined)
      .map((token) => token.rule)
  }

  private tokensOf(row: Pick<MatchedRow, 'rules'>): RowRule[] {
    if (row.rules === '') return []
    return row.rules.split(' ').map((token) => {
      const suppressed = /^(.+)~([1-9]\d*)$/.exec(token)
      const key = suppressed === null ? token : (suppressed[1] as string)
      const rule = this.byKey.get(key)
      if (rule === undefined)
        throw new Error(`The aggregate names the rule '${key}', which is not loaded`)
      if (suppressed === null) return { rule, suppression: undefined }
      const suppression = this.entries.get(Number(suppressed[2]))
      if (suppression === undefined || suppression.rule !== key) {
        throw new Error(`The aggregate names the suppression '${token}', which is not loaded`)
      }
      return { rule, suppression }
    })
  }

  add(row: MatchedRow): void {
    for (const { rule, suppression } of this.tokensOf(row)) {
      if (rule.threshold === undefined) this.tally(rule, row, suppression)
      else this.hold(rule.key, { rule, suppression, row })
    }
  }

  /** Rules with findings to act on, most severe first. */
  results(): RuleResult[] {
    this.releaseHeld()
    return resultsOf(this.tallies)
  }

  /** Rules with suppressed findings, most severe first; each listed finding has its entry. */
  suppressedResults(): RuleResult[] {
    this.releaseHeld()
    return resultsOf(this.suppressedTallies)
  }

  /** How many findings each entry of the suppressions file suppressed, by its index. */
  suppressedByEntry(): ReadonlyMap<number, number> {
    this.releaseHeld()
    return this.entryFindings
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

  /**
   * A threshold group counts its suppressed events too: the burst happened; which of its findings
   * are expected is the suppressions' call.
   */
  private releaseHeld(): void {
    for (const [key, rows] of this.held) {
      const rule = this.byKey.get(key) as Rule
      this.groupEvents.set(
        key,
        groupEvents(
          rule,
          rows.map((held) => held.row)
        )
      )
      for (const held of rows) {
        if (this.reached(rule, held.row)) this.tally(rule, held.row, held.suppression)
      }
    }
    this.held.clear()
  }

  private tally(rule: Rule, row: MatchedRow, suppression: SuppressionEntry | undefined): void {
    const tallies = suppression === undefined ? this.tallies : this.suppressedTallies
    let tally = tallies.get(rule.key)
    if (tally === undefined) {
      tally = new RuleTally(rule, this.evidenceLimit)
      tallies.set(rule.key, tally)
    }
    tally.add(row, suppression)
    if (suppression !== undefined) {
      this.entryFindings.set(
        suppression.index,
        (this.entryFindings.get(suppression.index) ?? 0) + row.events
      )
    }
  }

  private hold(key: string, held: HeldRow): void {
    const rows = this.held.get(key)
    if (rows === undefined) this.held.set(key, [held])
    else rows.push(held)
  }
}

function resultsOf(tallies: ReadonlyMap<string, RuleTally>): RuleResult[] {
  return [...tallies.values()]
    .map((tally) => tally.result())
    .sort((a, b) => compareRules(a.rule, b.rule))
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
