import type { Aggregate } from '../engine/aggregate.js'
import { csvDocument } from './csv.js'
import type { PrincipalSelection } from '../inputs/inputs.js'
import type { AllowList } from './permissions/allow-list.js'
import { permissionsFiles } from './permissions/files.js'
import { PermissionsTally, type PermissionsReport } from './permissions/report.js'
import { Tally, type Counted } from './tally.js'

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
  'events',
  'errors',
  'eventnames'
] as const
export const FLAGS_HEADER = [
  'flag',
  'account',
  'region',
  'eventsource',
  'eventname',
  'principal',
  'count'
] as const

/** Who acted, with how many of their calls failed and how many different calls they made. */
export interface PrincipalActivity {
  readonly identitytype: string
  readonly principal: string
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
  /** Per flag, account, region, event source, event name and principal, for flagged events. */
  readonly flags: readonly Counted[]
  /** Per flag, event source and event name: what `fail-on` is checked against. */
  readonly calls: readonly Counted[]
  /** Per region. */
  readonly regions: readonly Counted[]
  /** Per event source. */
  readonly services: readonly Counted[]
  /** Per UTC date, in date order. */
  readonly days: readonly Counted[]
  /** With `permissions`: the IAM actions each selected principal used. */
  readonly permissions?: PermissionsReport
}

/** What the reports need beyond the aggregate. */
export interface ReportOptions {
  /** `permissions` and `fail-on-permissions`: whose actions to report, and the allow-list. */
  readonly permissions?: { readonly selection: PrincipalSelection; readonly allowList?: AllowList }
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
  const flags = new Tally()
  const calls = new Tally()
  const regions = new Tally()
  const services = new Tally()
  const days = new Tally()
  const principals = new Map<string, { events: number; errors: number; calls: Set<string> }>()
  const permissions =
    options.permissions === undefined
      ? undefined
      : new PermissionsTally(options.permissions.selection, options.permissions.allowList)
  let totalEvents = 0
  for await (const row of aggregate) {
    permissions?.add(row)
    totalEvents += row.events
    events.add([row.region, row.eventsource, row.eventname, row.eventdate], row.events)
    if (row.errorcode !== '')
      errors.add([row.eventsource, row.eventname, row.errorcode], row.events)
    if (row.flag !== '') {
      flags.add(
        [row.flag, row.account, row.region, row.eventsource, row.eventname, row.principal],
        row.events
      )
    }
    calls.add([row.flag, row.eventsource, row.eventname], row.events)
    regions.add([row.region], row.events)
    services.add([row.eventsource], row.events)
    days.add([row.eventdate], row.events)

    const id = JSON.stringify([row.identitytype, row.principal])
    const activity = principals.get(id) ?? { events: 0, errors: 0, calls: new Set<string>() }
    activity.events += row.events
    if (row.errorcode !== '') activity.errors += row.events
    activity.calls.add(`${row.eventsource}:${row.eventname}`)
    principals.set(id, activity)
  }
  return {
    totalEvents,
    events: events.sorted(),
    errors: errors.sorted(),
    principals: [...principals]
      .map(([id, activity]) => {
        const [identitytype = '', principal = ''] = JSON.parse(id) as string[]
        return {
          identitytype,
          principal,
          events: activity.events,
          errors: activity.errors,
          eventnames: activity.calls.size
        }
      })
      .sort(byEventsThenName),
    flags: flags.sorted(),
    calls: calls.sorted(),
    regions: regions.sorted(),
    services: services.sorted(),
    days: days.sorted().sort((a, b) => ((a.key[0] ?? '') < (b.key[0] ?? '') ? -1 : 1)),
    permissions: permissions?.finish()
  }
}

function byEventsThenName(a: PrincipalActivity, b: PrincipalActivity): number {
  if (a.events !== b.events) return b.events - a.events
  if (a.identitytype !== b.identitytype) return a.identitytype < b.identitytype ? -1 : 1
  if (a.principal !== b.principal) return a.principal < b.principal ? -1 : 1
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
      reports.principals.map((p) => [p.identitytype, p.principal, p.events, p.errors, p.eventnames])
    ),
    'flags.csv': csvDocument(FLAGS_HEADER, reports.flags.map(counted)),
    ...(reports.permissions === undefined ? {} : permissionsFiles(reports.permissions))
  }
}
