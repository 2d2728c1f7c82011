import { type AggregateRow } from '../../engine/aggregate.js'
import type { PrincipalSelection } from '../../inputs/inputs.js'
import { allowChecker, type AllowList } from './allow-list.js'
import { eventActions, isDenied, type EventActions, type UnmappedReason } from './mapping.js'
import { policyFileNames } from './policy.js'
import { principalSelector } from './principals.js'
import { compareText } from '../../text-order.js'

/** How often a principal's calls needed one IAM action, and over which UTC days. */
export interface ActionUse {
  readonly action: string
  readonly events: number
  /** Calls refused for want of permission. */
  readonly denied: number
  /** UTC dates (`YYYY-MM-DD`) of the first and last call. */
  readonly first: string
  readonly last: string
}

/** Calls of one event that map to no IAM action, and why. */
export interface UnmappedUse {
  readonly eventsource: string
  readonly eventname: string
  readonly reason: UnmappedReason
  readonly events: number
  readonly denied: number
  readonly first: string
  readonly last: string
}

export interface PrincipalPermissions {
  readonly principal: string
  /** All the principal's events, mapped or not. */
  readonly events: number
  /** Most used first, ties by action. */
  readonly actions: readonly ActionUse[]
  readonly unmapped: readonly UnmappedUse[]
  /** The actions called at least once without being denied, in code point order. */
  readonly granted: readonly string[]
  /** `policies/<safe-name>.json`, or `undefined` when nothing was granted (no file is written). */
  readonly policyFile: string | undefined
  /** With an allow-list: the granted actions it does not allow, in code point order. */
  readonly notAllowed: readonly string[] | undefined
}

export interface PermissionsReport {
  /** Most events first, ties by principal. */
  readonly principals: readonly PrincipalPermissions[]
  /** The allow-list's path, as given, when `fail-on-permissions` is set. */
  readonly allowListPath: string | undefined
}

interface Use {
  events: number
  denied: number
  first: string
  last: string
}

/**
 * Adds the aggregate up, one row at a time, into the actions each selected principal used: part
 * of the one pass over the aggregate that makes every report, so it needs no scan of its own.
 */
export class PermissionsTally {
  private readonly selects: (principal: string) => boolean
  private readonly selected = new Map<string, boolean>()
  private readonly mapped = new Map<string, EventActions>()
  /** principal → action, or JSON of [eventsource, eventname, reason] for unmapped events → use. */
  private readonly actions = new Map<string, Map<string, Use>>()
  private readonly unmapped = new Map<string, Map<string, Use>>()
  private readonly events = new Map<string, number>()

  constructor(
    selection: PrincipalSelection,
    private readonly allowList?: AllowList
  ) {
    this.selects = principalSelector(selection)
  }

  add(row: AggregateRow): void {
    let selected = this.selected.get(row.principal)
    if (selected === undefined) {
      selected = this.selects(row.principal)
      this.selected.set(row.principal, selected)
    }
    if (!selected) return
    this.events.set(row.principal, (this.events.get(row.principal) ?? 0) + row.events)
    const key = `${row.eventsource}\n${row.eventname}`
    let mapping = this.mapped.get(key)
    if (mapping === undefined) {
      mapping = eventActions(row.eventsource, row.eventname)
      this.mapped.set(key, mapping)
    }
    if ('actions' in mapping) {
      for (const action of mapping.actions) record(this.actions, row.principal, action, row)
    } else {
      const id = JSON.stringify([row.eventsource, row.eventname, mapping.unmapped])
      record(this.unmapped, row.principal, id, row)
    }
  }

  finish(): PermissionsReport {
    const allows = this.allowList === undefined ? undefined : allowChecker(this.allowList.document)
    const principals = [...this.events.keys()]
    const files = policyFileNames(principals)
    return {
      principals: principals
        .map((principal): PrincipalPermissions => {
          const actions = [...(this.actions.get(principal) ?? [])]
            .map(([action, use]) => ({ action, ...use }))
            .sort((a, b) => b.events - a.events || compareText(a.action, b.action))
          const granted = actions
            .filter((use) => use.events > use.denied)
            .map((use) => use.action)
            .sort(compareText)
          return {
            principal,
            events: this.events.get(principal) ?? 0,
            actions,
            unmapped: this.unmappedOf(principal),
            granted,
            policyFile: granted.length === 0 ? undefined : files.get(principal),
            notAllowed: allows && granted.filter((action) => !allows(action))
          }
        })
        .sort((a, b) => b.events - a.events || compareText(a.principal, b.principal)),
      allowListPath: this.allowList?.path
    }
  }

  private unmappedOf(principal: string): UnmappedUse[] {
    return [...(this.unmapped.get(principal) ?? [])]
      .map(([id, use]) => {
        const [eventsource, eventname, reason] = JSON.parse(id) as [string, string, UnmappedReason]
        return { eventsource, eventname, reason, ...use }
      })
      .sort(
        (a, b) =>
          b.events - a.events ||
          compareText(a.eventsource, b.eventsource) ||
          compareText(a.eventname, b.eventname)
      )
  }
}

function record(
  uses: Map<string, Map<string, Use>>,
  principal: string,
  key: string,
  row: AggregateRow
): void {
  let byKey = uses.get(principal)
  if (byKey === undefined) {
    byKey = new Map()
    uses.set(principal, byKey)
  }
  const use = byKey.get(key) ?? { events: 0, denied: 0, first: '', last: '' }
  use.events += row.events
  if (isDenied(row.errorcode)) use.denied += row.events
  if (row.eventdate !== '') {
    if (use.first === '' || row.eventdate < use.first) use.first = row.eventdate
    if (row.eventdate > use.last) use.last = row.eventdate
  }
  byKey.set(key, use)
}

/** Actions named per principal in the failure message; the summary and CSV have the rest. */
const MESSAGE_ACTIONS = 10

/**
 * The step's failure for `fail-on-permissions`, or `undefined` when every selected principal kept
 * to the allow-list: its own message, beside `fail-on`'s, since it counts actions, not events.
 */
export function notAllowedMessage(report: PermissionsReport | undefined): string | undefined {
  if (report?.allowListPath === undefined) return undefined
  const violators = report.principals.filter((p) => (p.notAllowed ?? []).length > 0)
  if (violators.length === 0) return undefined
  const parts = violators.map(({ principal, notAllowed = [] }) => {
    const shown = notAllowed.slice(0, MESSAGE_ACTIONS).join(', ')
    const left = notAllowed.length - MESSAGE_ACTIONS
    return `${principal} (${left > 0 ? `${shown} and ${left} more` : shown})`
  })
  return `fail-on-permissions: ${parts.length} ${parts.length === 1 ? 'principal' : 'principals'} used actions that ${report.allowListPath} does not allow: ${parts.join('; ')}`
}
