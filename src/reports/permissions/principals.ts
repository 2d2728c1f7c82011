import type { PrincipalSelection } from '../../inputs/inputs.js'

/**
 * What `all` selects: IAM users and roles, the principals an identity policy can be attached
 * to. Not the root user, AWS services, other accounts, nor service-linked roles, whose policies
 * AWS owns.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
 */
const POLICY_HOLDER = /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\//
const SERVICE_LINKED_ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-service-role\//

/**
 * Whether a principal is selected. Patterns match the whole principal as `principals.csv` writes
 * it, case-sensitively, `*` standing for any run of characters (`/` and `:` included).
 */
export function principalSelector(selection: PrincipalSelection): (principal: string) => boolean {
  if (selection === 'all') {
    return (principal) => POLICY_HOLDER.test(principal) && !SERVICE_LINKED_ROLE.test(principal)
  }
  const patterns = selection.map(
    (pattern) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's')
  )
  return (principal) => patterns.some((pattern) => pattern.test(principal))
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
