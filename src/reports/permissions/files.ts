import { csvDocument } from '../csv.js'
import { leastPrivilegePolicy } from './policy.js'
import type { PermissionsReport } from './report.js'
import { compareText } from '../../text-order.js'

export const PERMISSIONS_HEADER = [
  'principal',
  'action',
  'events',
  'denied',
  'first',
  'last'
] as const
export const UNMAPPED_HEADER = [
  'principal',
  'eventsource',
  'eventname',
  'reason',
  'events',
  'denied',
  'first',
  'last'
] as const

type Cells = readonly (string | number)[]

/**
 * `permissions.csv` (one row per principal and IAM action), `permissions-unmapped.csv` (the
 * events that map to no action) and one policy file per principal that was granted anything.
 * Rows are sorted as in the other CSVs: most events first, ties by the text columns.
 */
export function permissionsFiles(report: PermissionsReport): Record<string, string> {
  const actions: Cells[] = []
  const unmapped: Cells[] = []
  const files: Record<string, string> = {}
  for (const { principal, ...permissions } of report.principals) {
    for (const use of permissions.actions) {
      actions.push([principal, use.action, use.events, use.denied, use.first, use.last])
    }
    for (const use of permissions.unmapped) {
      unmapped.push([
        principal,
        use.eventsource,
        use.eventname,
        use.reason,
        use.events,
        use.denied,
        use.first,
        use.last
      ])
    }
    if (permissions.policyFile !== undefined) {
      files[permissions.policyFile] = leastPrivilegePolicy(permissions.granted)
    }
  }
  return {
    'permissions.csv': csvDocument(PERMISSIONS_HEADER, actions.sort(byEvents(2, [0, 1]))),
    'permissions-unmapped.csv': csvDocument(UNMAPPED_HEADER, unmapped.sort(byEvents(4, [0, 1, 2]))),
    ...files
  }
}

/** Most events (column `count`) first, ties by the text columns `keys`, in code point order. */
function byEvents(count: number, keys: readonly number[]): (a: Cells, b: Cells) => number {
  return (a, b) => {
    const difference = Number(b[count]) - Number(a[count])
    if (difference !== 0) return difference
    for (const key of keys) {
      const order = compareText(String(a[key]), String(b[key]))
      if (order !== 0) return order
    }
    return 0
  }
}
