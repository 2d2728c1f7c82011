/**
 * What happened besides the findings: events per day (a range) or per service (a day), the top
 * events, principals and errors, and the regions. Charts are honest: every day of the window is a
 * bar, empty days included, the axis starts at zero, and the services' pie has an "other" slice,
 * so its percentages are of all events.
 */
import { formatCount } from '../../format.js'
import { windowDays, type Window } from '../../inputs/window.js'
import type { PrincipalActivity, Reports } from '../index.js'
import type { Counted } from '../tally.js'
import {
  counted,
  listed,
  mermaidLabel,
  namedActors,
  section,
  serviceName,
  shortened
} from './text.js'
import { compareText } from '../../text-order.js'

/** Slices of the services' pie: the largest, then one for all the others. */
const PIE_SLICES = 9

function eventsPerDay(window: Window, days: readonly Counted[]): string {
  const counts = new Map(days.map(({ key, count }) => [key[0] ?? '', count]))
  const all = windowDays(window)
  const values = all.map((day) => counts.get(day) ?? 0)
  const max = Math.max(...values)
  const labels = all.map((day) => `"${day.slice(5)}"`).join(', ')
  const quiet = values.filter((count) => count === 0).length
  const note = quiet === 0 ? '' : `\n${counted(quiet, 'day')} of the window had no event at all.\n`
  return (
    `### Events per day\n\n\`\`\`mermaid\nxychart-beta\n  x-axis [${labels}]\n` +
    `  y-axis "Events" 0 --> ${max}\n  bar [${values.join(', ')}]\n\`\`\`\n${note}`
  )
}

function eventsPerService(services: readonly Counted[], total: number): string {
  const shown = services.length > PIE_SLICES + 1 ? services.slice(0, PIE_SLICES) : services
  const slices = shown.map(
    ({ key, count }) => `  "${mermaidLabel(serviceName(key[0] ?? ''))}" : ${count}\n`
  )
  const left = services.length - shown.length
  if (left > 0) {
    const rest = total - shown.reduce((sum, { count }) => sum + count, 0)
    slices.push(`  "${left} other services" : ${rest}\n`)
  }
  return `### Events per service\n\n\`\`\`mermaid\npie showData\n${slices.join('')}\`\`\`\n`
}

/** Events per day over a range; per service for a single day. */
export function chart(window: Window, reports: Reports): string {
  if (reports.totalEvents === 0) return ''
  return window.start === window.end
    ? eventsPerService(reports.services, reports.totalEvents)
    : eventsPerDay(window, reports.days)
}

export function topEvents(reports: Reports, oneDay: boolean, top: number): string {
  const rows = reports.events.map(({ key, count }) => {
    const [region = '', eventsource = '', eventname = '', date = ''] = key
    const cells = [shortened(region, 20), eventCell(eventsource, eventname)]
    return [...cells, ...(oneDay ? [] : [shortened(date, 12)]), formatCount(count)]
  })
  const header = ['Region', 'Event', ...(oneDay ? [] : ['Day']), 'Events']
  return section('Top events', header, rows, top, { rest: 'in events.csv' })
}

/** `ec2 DescribeInstances`: the service as IAM names it, then the call; it wraps at the space. */
function eventCell(eventsource: string, eventname: string): string {
  return `${shortened(serviceName(eventsource), 24)} ${shortened(eventname, 36)}`
}

interface PrincipalTotal {
  identitytype: string
  principal: string
  events: number
  errors: number
  actors: string[]
}

/** The principals, whatever their actors: what each did in all, and who acted as it. */
function byPrincipal(principals: readonly PrincipalActivity[]): PrincipalTotal[] {
  const totals = new Map<string, PrincipalTotal>()
  for (const activity of principals) {
    const id = JSON.stringify([activity.identitytype, activity.principal])
    let total = totals.get(id)
    if (total === undefined) {
      total = { ...activity, events: 0, errors: 0, actors: [] }
      totals.set(id, total)
    }
    total.events += activity.events
    total.errors += activity.errors
    if (activity.actor !== '') total.actors.push(activity.actor)
  }
  return [...totals.values()].sort(
    (a, b) =>
      b.events - a.events ||
      compareText(a.identitytype, b.identitytype) ||
      compareText(a.principal, b.principal)
  )
}

/** The principal, and under it the people or sessions that acted as it. */
function whoCell(total: PrincipalTotal): string {
  const actors = listed(
    namedActors([total.principal], total.actors.sort(compareText)).map((actor) =>
      shortened(actor, 24)
    ),
    2
  )
  const principal = shortened(total.principal)
  return actors === '' ? principal : `${principal}<br>${actors}`
}

export function topPrincipals(reports: Reports, top: number): string {
  const rows = byPrincipal(reports.principals).map((total) => [
    whoCell(total),
    shortened(total.identitytype, 20),
    formatCount(total.events),
    formatCount(total.errors)
  ])
  return section('Top principals', ['Principal, actors', 'Type', 'Events', 'Errors'], rows, top, {
    numeric: 2,
    rest: 'in principals.csv'
  })
}

export function topErrors(reports: Reports, top: number): string {
  const rows = reports.errors.map(({ key, count }) => {
    const [eventsource = '', eventname = '', errorcode = ''] = key
    return [eventCell(eventsource, eventname), shortened(errorcode), formatCount(count)]
  })
  return section('Errors', ['Event', 'Error code', 'Events'], rows, top, {
    rest: 'in errors.csv'
  })
}

/** A few dozen at most, and no CSV holds them: always all of them. */
export function regionsTable(reports: Reports): string {
  const rows = reports.regions.map(({ key, count }) => [
    shortened(key[0] ?? '', 40),
    formatCount(count)
  ])
  return section('Regions', ['Region', 'Events'], rows, rows.length)
}
