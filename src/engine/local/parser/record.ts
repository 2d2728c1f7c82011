import type { Condition } from '../../../rules/rule.js'
import { ASCII, type Captures, UTF8 } from './captures.js'
import type { FieldPath } from './shapes.js'
import type { Texts } from './texts.js'

/**
 * The record fields every parser captures, for the aggregate's key and the evidence; a field's
 * slot is its index. The rules' own scalar fields are captured after these (`recordFields`).
 */
const FIELDS = [
  'recipientAccountId',
  'awsRegion',
  'eventSource',
  'eventName',
  'eventTime',
  'errorCode',
  'eventID',
  'userIdentity.type',
  'userIdentity.arn',
  'userIdentity.invokedBy',
  'userIdentity.userName',
  'userIdentity.accountId',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.sessionContext.sourceIdentity',
  'userIdentity.onBehalfOf.userId',
  'sourceIPAddress',
  'userAgent',
  'resources',
  'requestParameters'
] as const

const slot = (field: (typeof FIELDS)[number]): number => FIELDS.indexOf(field)

export const ACCOUNT = slot('recipientAccountId')
export const REGION = slot('awsRegion')
export const SOURCE = slot('eventSource')
export const NAME = slot('eventName')
export const TIME = slot('eventTime')
export const ERROR = slot('errorCode')
export const EVENT_ID = slot('eventID')
export const IDENTITY_TYPE = slot('userIdentity.type')
export const SOURCE_IP = slot('sourceIPAddress')
export const USER_AGENT = slot('userAgent')
export const RESOURCES = slot('resources')
export const REQUEST_PARAMETERS = slot('requestParameters')
const ARN = slot('userIdentity.arn')
const INVOKED_BY = slot('userIdentity.invokedBy')
const USER_NAME = slot('userIdentity.userName')
const ACCOUNT_ID = slot('userIdentity.accountId')
const ISSUER_ARN = slot('userIdentity.sessionContext.sessionIssuer.arn')
const SOURCE_IDENTITY = slot('userIdentity.sessionContext.sourceIdentity')
const ON_BEHALF_OF = slot('userIdentity.onBehalfOf.userId')

/**
 * The paths a parser captures: `FIELDS`, then every other field the rules test, and the JSON
 * column or array each is in, so that no rule needs the record read with `JSON.parse`
 * (`CapturedValues`). A path's slot is its index.
 */
export function recordFields(conditions: readonly Condition[]): FieldPath[] {
  const paths = new Map<string, FieldPath>(FIELDS.map((field) => [field, field.split('.')]))
  const visit = (condition: Condition): void => {
    switch (condition.kind) {
      case 'and':
        condition.all.forEach(visit)
        break
      case 'or':
        condition.any.forEach(visit)
        break
      case 'not':
        visit(condition.condition)
        break
      case 'match': {
        const { kind, keys } = condition.field.source
        if (kind === 'json' || kind === 'array') {
          const root = keys.slice(0, 1)
          if (!paths.has(root.join('.'))) paths.set(root.join('.'), root)
        }
        if (kind !== 'array') paths.set(keys.join('.'), keys)
      }
    }
  }
  conditions.forEach(visit)
  return [...paths.values()]
}

const PRINCIPAL_FALLBACKS = [ARN, INVOKED_BY, USER_NAME, ACCOUNT_ID]
const ACTOR_FALLBACKS = [USER_NAME, ON_BEHALF_OF, INVOKED_BY]
const ASSUMED_ROLE = new TextEncoder().encode('AssumedRole')
const SLASH = 0x2f

/**
 * The aggregate's `principal` and `actor` of the record in the captures, as text ids. Each
 * fallback takes a value that is there and not `''`, as the query's `nullif(…, '')` does.
 */
export class Identities {
  principal = 0
  actor = 0

  constructor(private readonly texts: Texts) {}

  read(captures: Captures): void {
    const { texts } = this
    const assumed = captures.holds(IDENTITY_TYPE, ASSUMED_ROLE)
    // Who acted: the session issuer of an assumed role, the ARN, the invoking service, the user
    // name of an identity without an ARN, the account.
    const principal =
      assumed && captures.present(ISSUER_ARN)
        ? ISSUER_ARN
        : firstPresent(captures, PRINCIPAL_FALLBACKS)
    this.principal = principal < 0 ? 0 : texts.idOf(captures, principal)
    // The person or session behind it: the source identity, an assumed role's session name (the
    // ARN's last segment), the user name, the Identity Center user, the invoking service.
    if (captures.present(SOURCE_IDENTITY)) {
      this.actor = texts.idOf(captures, SOURCE_IDENTITY)
      return
    }
    if (assumed && captures.present(ARN)) {
      const session = this.sessionName(captures)
      if (session > 0) {
        this.actor = session
        return
      }
    }
    const actor = firstPresent(captures, ACTOR_FALLBACKS)
    this.actor = actor < 0 ? 0 : texts.idOf(captures, actor)
  }

  /** The text id of what follows the ARN's last `/`: 0 for '' or an ARN without one. */
  private sessionName(captures: Captures): number {
    const kind = captures.kinds[ARN]
    if (kind === ASCII || kind === UTF8) {
      const b = captures.bytes
      const to = captures.ends[ARN] as number
      let i = to - 1
      while (i >= (captures.starts[ARN] as number) && b[i] !== SLASH) i--
      if (i < (captures.starts[ARN] as number) || i === to - 1) return 0
      return this.texts.idOfBytes(captures, ARN, i + 1)
    }
    const arn = captures.decode(ARN)
    const slash = arn.lastIndexOf('/')
    return slash < 0 ? 0 : this.texts.idOfText(arn.slice(slash + 1))
  }
}

function firstPresent(captures: Captures, slots: readonly number[]): number {
  for (const slot of slots) if (captures.present(slot)) return slot
  return -1
}
