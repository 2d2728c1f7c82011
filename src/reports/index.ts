import type { Aggregate } from '../engine/aggregate.js'
import { DEFAULTS, Input } from '../inputs/definitions.js'
import type { Rule } from '../rules/rule.js'
import { csvDocument } from './csv.js'
import { FailOnTally, type FailOnItem, type FailOnResult } from './fail-on.js'
import { findingsCsv, findingsJson, rulesCsv, suppressedCsv } from './findings-files.js'
import { compareRules, FindingsCollector, type RuleResult } from './findings.js'
import type { PrincipalSelection } from '../inputs/inputs.js'
import type { AllowList } from './permissions/allow-list.js'
import { permissionsFiles } from './permissions/files.js'
import { PermissionsTally, type PermissionsReport } from './permissions/report.js'
import { Tally, type Counted } from './tally.js'
import { GapTally, gapResults } from './gaps.js'
import type { Window } from '../inputs/window.js'
import type { SuppressionEntry } from '../rules/suppressions.js'

/** The recipe's columns, as Athena names them in its result. */
export const EVENTS_HEADER = [
  'awsregion',
  'eventsource',
  'eventname',
  'eventtime',
  'count'
] as const
export const ERRORS_HEADER = ['eventsource', 'eventname', 'errorcode', 'count'] as const
export const PRINCIPALS_HEADER = [
  'identitytype',
  'principal',
  'actor',
  'events',
  'errors',
  'eventnames'
] as const

/**
 * Who acted (the principal, and the person or session behind it), with how many of their calls
 * failed and how many different calls they made.
 */
export interface PrincipalActivity {
  readonly identitytype: string
  readonly principal: string
  readonly actor: string
  readonly events: number
  readonly errors: number
  /** Distinct `eventsource:eventname` pairs. */
  readonly eventnames: number
}

/** Everything a run reports, computed in one pass over the aggregate. */
export interface Reports {
  readonly totalEvents: number
  /** Per region, event source, event name and UTC date. */
  readonly events: readonly Counted[]
  /** Per event source, event name and error code, for calls that failed. */
  readonly errors: readonly Counted[]
  readonly principals: readonly PrincipalActivity[]
  /**
   * Every rule that found something to act on, logging gaps included, most severe first: exact
   * counts and the listed findings.
   */
  readonly findings: readonly RuleResult[]
  /** Given when `fail-on` is set. */
  readonly failOn?: FailOnResult
  /** Per region. */
  readonly regions: readonly Counted[]
  /** Per event source. */
  readonly services: readonly Counted[]
  /** Per UTC date, in date order. */
  readonly days: readonly Counted[]
  /** With `permissions`: the IAM actions each selected principal used. */
  readonly permissions?: PermissionsReport
  /** Rules with findings the suppressions file expects, most severe first. */
  readonly suppressed: readonly RuleResult[]
  /** Findings suppressed by each entry of the suppressions file, by its index. */
  readonly suppressedByEntry: ReadonlyMap<number, number>
  /** Records delivered, every copy counted: `totalEvents` plus what dedupe dropped. */
  readonly records: number
  /** The suppressions file, as `suppressed.csv` names its entries. */
  readonly suppressionsFile?: string
}

/** What the reports need beyond the aggregate. */
export interface ReportOptions {
  /** The run's rules, which the aggregate's `rules` column names; none by default. */
  readonly rules?: readonly Rule[]
  /** Findings listed per rule (the evidence kept); the input's default by default. */
  readonly evidenceLimit?: number
  /** `fail-on`, resolved against the rules. */
  readonly failOn?: readonly FailOnItem[]
  /** `permissions` and `fail-on-permissions`: whose actions to report, and the allow-list. */
  readonly permissions?: { readonly selection: PrincipalSelection; readonly allowList?: AllowList }
  /**
   * Logging gaps: the window and the accounts whose days (and regions' days) without events are
   * findings. Listed up to `evidenceLimit` per level.
   */
  readonly gaps?: { readonly window: Window; readonly accounts: readonly string[] }
  /** The suppressions file's entries that apply (not expired), which `key~N` tokens name. */
  readonly suppressions?: { readonly file: string; readonly entries: readonly SuppressionEntry[] }
}

/**
 * One pass over the aggregate, whatever the number of reports; memory grows with the distinct
 * keys of each report, not with the aggregate's rows.
 */
export async function buildReports(
  aggregate: Aggregate,
  options: ReportOptions = {}
): Promise<Reports> {
  const events = new Tally()
  const errors = new Tally()
  const evidenceLimit = options.evidenceLimit ?? Number(DEFAULTS[Input.EvidenceLimit])
  const findings = new FindingsCollector(
    options.rules ?? [],
    evidenceLimit,
    options.suppressions?.entries
  )
  const failOn =
    options.failOn === undefined ? undefined : new FailOnTally(options.failOn, findings)
  const regions = new Tally()
  const services = new Tally()
  const days = new Tally()
  const principals = new Map<string, { events: number; errors: number; calls: Set<string> }>()
  const gaps = options.gaps === undefined ? undefined : new GapTally()
  const permissions =
    options.permissions === undefined
      ? undefined
      : new PermissionsTally(options.permissions.selection, options.permissions.allowList)
  let totalEvents = 0
  let records = 0
  for await (const row of aggregate) {
    permissions?.add(row)
    gaps?.add(row)
    totalEvents += row.events
    records += row.records
    events.add([row.region, row.eventsource, row.eventname, row.eventdate], row.events)
    if (row.errorcode !== '')
      errors.add([row.eventsource, row.eventname, row.errorcode], row.events)
    findings.add(row)
    failOn?.add(row)
    regions.add([row.region], row.events)
    services.add([row.eventsource], row.events)
    days.add([row.eventdate], row.events)

    const id = JSON.stringify([row.identitytype, row.principal, row.actor])
    const activity = principals.get(id) ?? { events: 0, errors: 0, calls: new Set<string>() }
    activity.events += row.events
    if (row.errorcode !== '') activity.errors += row.events
    activity.calls.add(`${row.eventsource}:${row.eventname}`)
    principals.set(id, activity)
  }
  const gapFindings =
    gaps === undefined || options.gaps === undefined
      ? []
      : gapResults(gaps.gaps(options.gaps.window, options.gaps.accounts), evidenceLimit)
  // The findings' results first: fail-on's threshold rules wait for their groups.
  const results = [...findings.results(), ...gapFindings].sort((a, b) =>
    compareRules(a.rule, b.rule)
  )
  return {
    totalEvents,
    records,
    events: events.sorted(),
    errors: errors.sorted(),
    principals: [...principals]
      .map(([id, activity]) => {
        const [identitytype = '', principal = '', actor = ''] = JSON.parse(id) as string[]
        return {
          identitytype,
          principal,
          actor,
          events: activity.events,
          errors: activity.errors,
          eventnames: activity.calls.size
        }
      })
      .sort(byEventsThenName),
    findings: results,
    failOn: failOn?.result(gapFindings),
    regions: regions.sorted(),
    services: services.sorted(),
    days: days.sorted().sort((a, b) => ((a.key[0] ?? '') < (b.key[0] ?? '') ? -1 : 1)),
    permissions: permissions?.finish(),
    suppressed: findings.suppressedResults(),
    suppressedByEntry: findings.suppressedByEntry(),
    suppressionsFile: options.suppressions?.file
  }
}

function byEventsThenName(a: PrincipalActivity, b: PrincipalActivity): number {
  if (a.events !== b.events) return b.events - a.events
  if (a.identitytype !== b.identitytype) return a.identitytype < b.identitytype ? -1 : 1
  if (a.principal !== b.principal) return a.principal < b.principal ? -1 : 1
  if (a.actor !== b.actor) return a.actor < b.actor ? -1 : 1
  return 0
}

const counted = ({ key, count }: Counted): (string | number)[] => [...key, count]

/** The report files, by name, as they are written to the report directory. */
export function reportFiles(reports: Reports): Record<string, string> {
  return {
    'events.csv': csvDocument(EVENTS_HEADER, reports.events.map(counted)),
    'errors.csv': csvDocument(ERRORS_HEADER, reports.errors.map(counted)),
    'principals.csv': csvDocument(
      PRINCIPALS_HEADER,
      reports.principals.map((p) => [
        p.identitytype,
        p.principal,
        p.actor,
        p.events,
        p.errors,
        p.eventnames
      ])
    ),
    'findings.csv': findingsCsv(reports.findings),
    'findings.json': findingsJson(reports.findings),
    'rules.csv': rulesCsv(reports.findings),
    'suppressed.csv': suppressedCsv(reports.suppressed, reports.suppressionsFile ?? ''),
    ...(reports.permissions === undefined ? {} : permissionsFiles(reports.permissions))
  }
}
