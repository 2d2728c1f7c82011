import { createHash } from 'node:crypto'
import { compareText } from '../../text-order.js'

/** An IAM policy statement as written to a policy file, keys in IAM's usual order. */
interface AllowStatement {
  readonly Sid: string
  readonly Effect: 'Allow'
  readonly Action: readonly string[]
  readonly Resource: '*'
}

/**
 * The least-privilege policy for the actions a principal was granted: one statement per service,
 * services and actions in code point order, so the same actions always give the same bytes.
 * `Resource` is `*`: the aggregate holds no resource names, and CloudTrail's `resources` field is
 * missing from many events, so a narrower resource could not be told reliably.
 */
export function leastPrivilegePolicy(actions: readonly string[]): string {
  const byService = new Map<string, string[]>()
  for (const action of [...new Set(actions)].sort(compareText)) {
    const prefix = action.slice(0, action.indexOf(':'))
    byService.set(prefix, [...(byService.get(prefix) ?? []), action])
  }
  const statements: AllowStatement[] = [...byService.keys()].sort(compareText).map((prefix) => ({
    Sid: statementId(prefix),
    Effect: 'Allow',
    Action: byService.get(prefix) ?? [],
    Resource: '*'
  }))
  return `${JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)}\n`
}

/** A `Sid` (letters and digits only) from a service prefix: `resource-explorer-2` → `ResourceExplorer2`. */
export function statementId(prefix: string): string {
  return prefix
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}

/**
 * Longest readable part of a policy file name: ARNs can be 2,048 characters, file names 255
 * bytes; this leaves room for the hash and `.json`, and keeps Identity Center role names whole.
 */
const NAME_LIMIT = 200

/**
 * The policy file of each principal, `policies/<safe-name>.json`: the principal without its
 * `arn:aws:iam::` head, every run of characters other than letters, digits, `.`, `_` and `-`
 * made one `-` (`111122223333-role-ci-deploy`). Principals whose names would be the same,
 * ignoring case (as macOS and Windows file systems do), each get the first 8 hex digits of
 * their principal's SHA-256 appended, so names never collide and stay the same from run to run.
 */
export function policyFileNames(principals: readonly string[]): Map<string, string> {
  const readable = new Map(principals.map((principal) => [principal, safeName(principal)]))
  const uses = new Map<string, number>()
  for (const name of readable.values()) {
    uses.set(name.toLowerCase(), (uses.get(name.toLowerCase()) ?? 0) + 1)
  }
  return new Map(
    [...readable].map(([principal, name]) => {
      const unique =
        (uses.get(name.toLowerCase()) ?? 0) > 1
          ? `${name}-${createHash('sha256').update(principal).digest('hex').slice(0, 8)}`
          : name
      return [principal, `policies/${unique}.json`]
    })
  )
}

function safeName(principal: string): string {
  const name = principal
    .replace(/^arn:[^:]*:iam::/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, NAME_LIMIT)
    // No hidden files, no name ending in a dot (Windows drops it).
    .replace(/^[.-]+|[.-]+$/g, '')
  return name === '' ? 'principal' : name
}
