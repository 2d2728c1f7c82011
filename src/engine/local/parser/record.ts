import type { FlagFields } from '../flags.js'
import type { Captures } from './captures.js'
import type { FieldPath } from './shapes.js'

/** The record fields the aggregate and the audit rules read; a field's slot is its index. */
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
  'userIdentity.accountId',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'eventType',
  'errorMessage',
  'additionalEventData.MFAUsed',
  'responseElements.ConsoleLogin'
] as const

export const RECORD_FIELDS: readonly FieldPath[] = FIELDS.map((field) => field.split('.'))

const slot = (field: (typeof FIELDS)[number]): number => FIELDS.indexOf(field)

export const ACCOUNT = slot('recipientAccountId')
export const REGION = slot('awsRegion')
export const SOURCE = slot('eventSource')
export const NAME = slot('eventName')
export const TIME = slot('eventTime')
export const ERROR = slot('errorCode')
export const EVENT_ID = slot('eventID')
export const IDENTITY_TYPE = slot('userIdentity.type')
const ARN = slot('userIdentity.arn')
const INVOKED_BY = slot('userIdentity.invokedBy')
const ACCOUNT_ID = slot('userIdentity.accountId')
const ISSUER_ARN = slot('userIdentity.sessionContext.sessionIssuer.arn')
const EVENT_TYPE = slot('eventType')
const ERROR_MESSAGE = slot('errorMessage')
const MFA_USED = slot('additionalEventData.MFAUsed')
const CONSOLE_LOGIN = slot('responseElements.ConsoleLogin')

const ASSUMED_ROLE = new TextEncoder().encode('AssumedRole')

/** Who acted: the session issuer of an assumed role, the ARN, the invoking service, the account. */
export function principalSlot(captures: Captures): number {
  if (captures.present(ISSUER_ARN) && captures.holds(IDENTITY_TYPE, ASSUMED_ROLE)) return ISSUER_ARN
  if (captures.present(ARN)) return ARN
  if (captures.present(INVOKED_BY)) return INVOKED_BY
  return ACCOUNT_ID
}

/**
 * The current record as the audit rules see it. The key's fields are set on it (they are decoded
 * for the key anyway); the others, rarely tested and after a rule's cheaper conditions, are
 * decoded from the record when a rule asks.
 */
export class RuleEvent implements FlagFields {
  identitytype = ''
  errorcode = ''
  eventsource = ''
  eventname = ''

  constructor(private readonly captures: Captures) {}

  get invokedby(): string {
    return this.captures.decode(INVOKED_BY)
  }

  get eventtype(): string {
    return this.captures.decode(EVENT_TYPE)
  }

  get errormessage(): string {
    return this.captures.decode(ERROR_MESSAGE)
  }

  get mfaused(): string {
    return this.captures.decode(MFA_USED)
  }

  get consolelogin(): string {
    return this.captures.decode(CONSOLE_LOGIN)
  }
}
