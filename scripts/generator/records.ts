/**
 * Small CloudTrail records for the built-in rules' cases (`rule-cases/`, which the rule tests
 * check and the generator writes into every sample): one API call with realistic defaults (who,
 * from where, when, with which agent) that a case changes only where the rule looks. Shapes follow the
 * record contents AWS documents; identities follow the userIdentity element.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import type { Json, JsonObject } from './events.js'

export type { Json, JsonObject }

export const ACCOUNT = '111122223333'
/** An account that is not the one the records are from. */
export const OTHER_ACCOUNT = '444455556666'
const REGION = 'eu-west-1'
const CLI_AGENT =
  'aws-cli/2.17.12 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9'
const TERRAFORM_AGENT =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.59.0 aws-sdk-go-v2/1.30.3'

/** An IAM user calling with its long-term access key. */
export function iamUser(name = 'alice'): JsonObject {
  return {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEUSER00001',
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLEKEY000001',
    userName: name
  }
}

/** A session of a role: `sessionContext` may add to it (`ec2RoleDelivery`, ...). */
export function assumedRole(
  role = 'app-orders',
  session = 'orders-worker',
  sessionContext: JsonObject = {}
): JsonObject {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLE00001:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLESESSION01',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLE00001',
        arn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        accountId: ACCOUNT,
        userName: role
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-11-02T08:00:00Z', mfaAuthenticated: 'false' },
      ...sessionContext
    }
  }
}

/** A person signed in through IAM Identity Center, in its permission set's reserved role. */
export function ssoUser(person = 'alice@example.com'): JsonObject {
  return assumedRole('AWSReservedSSO_AdministratorAccess_0123456789abcdef', person)
}

/** An instance profile's session: credentials EC2 delivered through the metadata service. */
export function instanceRole(role = 'web-server', instance = 'i-0123456789abcdef0'): JsonObject {
  return assumedRole(role, instance, { ec2RoleDelivery: '2.0' })
}

/** The root user of the account. */
export function rootUser(): JsonObject {
  return {
    type: 'Root',
    principalId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLEROOTKEY01'
  }
}

/** An AWS service acting on its own behalf (its service-linked role or its own principal). */
export function awsService(service: string): JsonObject {
  return { type: 'AWSService', invokedBy: service }
}

/** `identity` calling through an AWS service, which CloudTrail records as `invokedBy`. */
export function through(service: string, identity: JsonObject = assumedRole()): JsonObject {
  return { ...identity, invokedBy: service }
}

let sequence = 0

function eventId(): string {
  sequence += 1
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`
}

export interface CallOptions {
  readonly request?: Json
  readonly response?: Json
  readonly identity?: JsonObject
  /** Any other top-level field, written over the defaults. */
  readonly fields?: JsonObject
}

/**
 * A successful call of `source` (`ec2` for ec2.amazonaws.com) named `name`, by an IAM user from a
 * documentation address with the CLI, at 09:15 UTC on 2 November 2026.
 */
export function call(source: string, name: string, options: CallOptions = {}): JsonObject {
  const eventSource = source.includes('.') ? source : `${source}.amazonaws.com`
  const identity = options.identity ?? iamUser()
  // A service calling on its own or a caller's behalf shows as the address and the agent.
  const service = typeof identity.invokedBy === 'string' ? identity.invokedBy : undefined
  return {
    eventVersion: '1.10',
    userIdentity: identity,
    eventTime: '2026-11-02T09:15:00Z',
    eventSource,
    eventName: name,
    awsRegion: REGION,
    sourceIPAddress: service ?? '203.0.113.7',
    userAgent: service ?? CLI_AGENT,
    requestParameters: options.request ?? null,
    responseElements: options.response ?? null,
    requestID: eventId(),
    eventID: eventId(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...options.fields
  }
}

/**
 * The same call refused for lack of permission, as the service reports it: EC2's
 * `Client.UnauthorizedOperation`, everyone else's `AccessDenied`. A refused call has no response.
 */
export function denied(record: JsonObject): JsonObject {
  const ec2 = record.eventSource === 'ec2.amazonaws.com'
  const arn = (record.userIdentity as JsonObject).arn
  return {
    ...record,
    eventID: eventId(),
    errorCode: ec2 ? 'Client.UnauthorizedOperation' : 'AccessDenied',
    // S3 says no more than this, and an AWS service has no ARN to name.
    errorMessage: ec2
      ? 'You are not authorized to perform this operation.'
      : typeof arn === 'string'
        ? `User: ${arn} is not authorized to perform this operation`
        : 'Access Denied',
    responseElements: null
  }
}

/** The same call failed for another reason than permission. */
export function failed(record: JsonObject, errorCode: string): JsonObject {
  return {
    ...record,
    eventID: eventId(),
    errorCode,
    errorMessage: errorCode,
    responseElements: null
  }
}

/** The same call made by someone else. */
export function by(record: JsonObject, identity: JsonObject): JsonObject {
  return { ...record, eventID: eventId(), userIdentity: identity }
}

/** The same call made by Terraform (its user agent), as infrastructure as code does it. */
export function byTerraform(record: JsonObject): JsonObject {
  return { ...record, eventID: eventId(), userAgent: TERRAFORM_AGENT }
}

/** The same call from the console: the console's session flag, a browser's agent. */
export function fromConsole(record: JsonObject): JsonObject {
  return {
    ...record,
    eventID: eventId(),
    sessionCredentialFromConsole: 'true',
    userAgent: 'AWS Internal'
  }
}

/** `count` copies of a record, each its own event, for threshold rules. */
export function times(count: number, record: JsonObject): JsonObject[] {
  return Array.from({ length: count }, () => ({ ...record, eventID: eventId() }))
}
