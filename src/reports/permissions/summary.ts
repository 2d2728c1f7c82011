import { formatCount } from '../../format.js'
import { escapeText } from '../markdown.js'
import type { PermissionsReport, PrincipalPermissions } from './report.js'
import { compareText } from '../../text-order.js'

/** Items listed per line (denied actions, unmapped events, actions not allowed). */
const LIST_LIMIT = 5
const SERVICES_SHOWN = 3
/** A principal longer than this is cut in its heading; `permissions.csv` has it whole. */
const PRINCIPAL_LIMIT = 200

/**
 * The summary's section on permissions: per selected principal (at most `top`, most events
 * first), its distinct actions and services, the top services, denied actions, unmapped events,
 * actions the allow-list does not allow, and a link to its policy file. `''` without a report.
 */
export function permissionsSection(
  report: PermissionsReport | undefined,
  artifactUrl: string | undefined,
  top: number
): string {
  if (report === undefined) return ''
  const lines = ['### Permissions used\n']
  if (report.principals.length === 0) {
    lines.push('No selected principal made a call in the window.\n')
    return lines.join('\n')
  }
  const violators = report.principals.filter((p) => (p.notAllowed ?? []).length > 0).length
  if (violators > 0 && report.allowListPath !== undefined) {
    lines.push(
      `> [!CAUTION]\n> ${formatCount(violators)} ${violators === 1 ? 'principal' : 'principals'} used actions that ${escapeText(report.allowListPath)} does not allow (\`fail-on-permissions\`).\n`
    )
  }
  for (const principal of report.principals.slice(0, top)) {
    lines.push(principalSection(principal, report.allowListPath, artifactUrl))
  }
  const left = report.principals.length - Math.min(top, report.principals.length)
  if (left > 0) {
    lines.push(
      `${formatCount(left)} more ${left === 1 ? 'principal is' : 'principals are'} in permissions.csv.\n`
    )
  }
  return lines.join('\n')
}

function principalSection(
  permissions: PrincipalPermissions,
  allowListPath: string | undefined,
  artifactUrl: string | undefined
): string {
  const name =
    permissions.principal.length > PRINCIPAL_LIMIT
      ? `${permissions.principal.slice(0, PRINCIPAL_LIMIT)}…`
      : permissions.principal
  const items = [servicesLine(permissions)]
  const denied = permissions.actions
    .filter((use) => use.denied > 0)
    .sort((a, b) => b.denied - a.denied || compareText(a.action, b.action))
    .map((use) => `\`${use.action}\` (${formatCount(use.denied)})`)
  if (denied.length > 0) items.push(`Denied: ${listed(denied)}`)
  const notAllowed = (permissions.notAllowed ?? []).map((action) => `\`${action}\``)
  if (notAllowed.length > 0 && allowListPath !== undefined) {
    items.push(`**Not allowed** by ${escapeText(allowListPath)}: ${listed(notAllowed)}`)
  }
  const unmapped = permissions.unmapped.map(
    (use) =>
      `${escapeText(`${use.eventsource}:${use.eventname}`)} (${events(use.events)}, ${use.reason})`
  )
  if (unmapped.length > 0) items.push(`Unmapped: ${listed(unmapped)}`)
  items.push(policyLine(permissions.policyFile, artifactUrl))
  return `#### ${escapeText(name)}\n\n${items.map((item) => `- ${item}\n`).join('')}`
}

function servicesLine(permissions: PrincipalPermissions): string {
  const services = new Map<string, { actions: number; events: number }>()
  for (const use of permissions.actions) {
    const prefix = use.action.slice(0, use.action.indexOf(':'))
    const service = services.get(prefix) ?? { actions: 0, events: 0 }
    service.actions++
    service.events += use.events
    services.set(prefix, service)
  }
  const actions = permissions.actions.length
  if (actions === 0) return 'No IAM action: only unmapped events'
  const head = `${formatCount(actions)} ${actions === 1 ? 'action' : 'actions'} in ${formatCount(services.size)} ${services.size === 1 ? 'service' : 'services'}, ${formatCount(permissions.granted.length)} in the policy`
  const topServices = [...services]
    .sort(([a, x], [b, y]) => y.events - x.events || compareText(a, b))
    .slice(0, SERVICES_SHOWN)
    .map(
      ([prefix, { actions: count, events: total }]) =>
        `${prefix} (${formatCount(count)} ${count === 1 ? 'action' : 'actions'}, ${events(total)})`
    )
  return `${head}; top: ${topServices.join(', ')}`
}

function events(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'event' : 'events'}`
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(', ')
  const left = items.length - LIST_LIMIT
  return left > 0 ? `${shown} and ${formatCount(left)} more` : shown
}

function policyLine(policyFile: string | undefined, artifactUrl: string | undefined): string {
  if (policyFile === undefined) return 'Policy: none (no call was allowed)'
  return artifactUrl === undefined
    ? `Policy: [\`${policyFile}\`](${encodeURI(policyFile)})`
    : `Policy: [\`${policyFile}\`](${encodeURI(artifactUrl)}) in the artifact`
}
