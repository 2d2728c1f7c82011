/**
 * Interim, until the local engine evaluates the loaded rules (phase 2 of issue 10, on the parser
 * branch): the 14 CIS monitoring rules as the local parser has evaluated them so far, data it
 * compiles to functions of a few captured fields. An event takes the first rule it matches, and
 * the local engine reports that rule's key in the aggregate's `rules` column (when the rule is
 * loaded), with no actor, times or evidence. The built-in Sigma rules of the same names are what
 * the Athena query runs.
 */

/** The event fields a rule can test, each `''` when the event lacks it. */
export interface FlagFields {
  /** `userIdentity.type` */
  readonly identitytype: string
  /** `userIdentity.invokedBy` */
  readonly invokedby: string
  readonly eventtype: string
  readonly errorcode: string
  readonly errormessage: string
  readonly eventsource: string
  readonly eventname: string
  /** `additionalEventData.MFAUsed` */
  readonly mfaused: string
  /** `responseElements.ConsoleLogin` */
  readonly consolelogin: string
}

export type FlagField = keyof FlagFields

export type Condition =
  | { readonly field: FlagField; readonly is: string }
  | { readonly field: FlagField; readonly isNot: string }
  | { readonly field: FlagField; readonly oneOf: readonly string[] }
  | { readonly field: FlagField; readonly startsWith: string }
  | { readonly field: FlagField; readonly endsWith: string }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }

export interface FlagRule {
  readonly name: string
  readonly when: Condition
}

/** An API call of one service: `eventSource` is the service, `eventName` one of `names`. */
function call(service: string, names: readonly string[]): Condition {
  return {
    all: [
      { field: 'eventsource', is: `${service}.amazonaws.com` },
      { field: 'eventname', oneOf: names }
    ]
  }
}

/**
 * Most severe first: an event that matches several rules takes the first. Loss of audit
 * (root, logging) comes before changes to who may do what, then to data and network, then
 * failed attempts, which are the most frequent and the least sure sign of harm.
 */
export const FLAG_RULES: readonly FlagRule[] = [
  {
    name: 'root-activity',
    when: {
      all: [
        { field: 'identitytype', is: 'Root' },
        { field: 'invokedby', is: '' },
        { field: 'eventtype', isNot: 'AwsServiceEvent' }
      ]
    }
  },
  {
    name: 'cloudtrail-changes',
    when: call('cloudtrail', [
      'CreateTrail',
      'UpdateTrail',
      'DeleteTrail',
      'StartLogging',
      'StopLogging'
    ])
  },
  {
    name: 'console-login-without-mfa',
    when: {
      all: [
        { field: 'eventname', is: 'ConsoleLogin' },
        { field: 'identitytype', is: 'IAMUser' },
        { field: 'consolelogin', is: 'Success' },
        { field: 'mfaused', isNot: 'Yes' }
      ]
    }
  },
  {
    name: 'iam-policy-changes',
    when: call('iam', [
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy'
    ])
  },
  {
    name: 'kms-key-disabled-or-deleted',
    when: call('kms', ['DisableKey', 'ScheduleKeyDeletion'])
  },
  {
    name: 's3-bucket-policy-changes',
    when: call('s3', [
      'PutBucketAcl',
      'PutBucketPolicy',
      'PutBucketCors',
      'PutBucketLifecycle',
      'PutBucketReplication',
      'DeleteBucketPolicy',
      'DeleteBucketCors',
      'DeleteBucketLifecycle',
      'DeleteBucketReplication'
    ])
  },
  {
    name: 'config-changes',
    when: call('config', [
      'StopConfigurationRecorder',
      'DeleteDeliveryChannel',
      'PutDeliveryChannel',
      'PutConfigurationRecorder'
    ])
  },
  {
    name: 'security-group-changes',
    when: call('ec2', [
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup'
    ])
  },
  {
    name: 'nacl-changes',
    when: call('ec2', [
      'CreateNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAcl',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation'
    ])
  },
  {
    name: 'network-gateway-changes',
    when: call('ec2', [
      'CreateCustomerGateway',
      'DeleteCustomerGateway',
      'AttachInternetGateway',
      'CreateInternetGateway',
      'DeleteInternetGateway',
      'DetachInternetGateway'
    ])
  },
  {
    name: 'route-table-changes',
    when: call('ec2', [
      'CreateRoute',
      'CreateRouteTable',
      'ReplaceRoute',
      'ReplaceRouteTableAssociation',
      'DeleteRouteTable',
      'DeleteRoute',
      'DisassociateRouteTable'
    ])
  },
  {
    name: 'vpc-changes',
    when: call('ec2', [
      'CreateVpc',
      'DeleteVpc',
      'ModifyVpcAttribute',
      'AcceptVpcPeeringConnection',
      'CreateVpcPeeringConnection',
      'DeleteVpcPeeringConnection',
      'RejectVpcPeeringConnection',
      'AttachClassicLinkVpc',
      'DetachClassicLinkVpc',
      'DisableVpcClassicLink',
      'EnableVpcClassicLink'
    ])
  },
  {
    name: 'console-login-failures',
    when: {
      all: [
        { field: 'eventname', is: 'ConsoleLogin' },
        {
          any: [
            { field: 'errormessage', is: 'Failed authentication' },
            { field: 'consolelogin', is: 'Failure' }
          ]
        }
      ]
    }
  },
  {
    name: 'unauthorized-calls',
    when: {
      any: [
        { field: 'errorcode', endsWith: 'UnauthorizedOperation' },
        { field: 'errorcode', startsWith: 'AccessDenied' }
      ]
    }
  }
]

type Test = (event: FlagFields) => boolean

/** A condition as a function, built once: the local engine tests every event against every rule. */
export function compileCondition(condition: Condition): Test {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition)
    return (event) => parts.every((part) => part(event))
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition)
    return (event) => parts.some((part) => part(event))
  }
  const { field } = condition
  if ('is' in condition) return (event) => event[field] === condition.is
  if ('isNot' in condition) return (event) => event[field] !== condition.isNot
  if ('oneOf' in condition) {
    const names = new Set(condition.oneOf)
    return (event) => names.has(event[field])
  }
  if ('startsWith' in condition) return (event) => event[field].startsWith(condition.startsWith)
  return (event) => event[field].endsWith(condition.endsWith)
}
