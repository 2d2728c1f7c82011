import type { Random } from './random.js'

/** A JSON value as CloudTrail writes it. */
export type Json =
  string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }
export type JsonObject = { [key: string]: Json }

/** What one event is about: who, where and when. */
export interface EventContext {
  readonly random: Random
  readonly account: string
  /** The event's `awsRegion`: us-east-1 for global services, whatever folder it is written to. */
  readonly region: string
  readonly time: Date
}

type IdentityKind = 'user' | 'role' | 'sso' | 'service' | 'service-role' | 'root' | 'account'

export interface EventTemplate {
  readonly source: string
  readonly name: string
  readonly weight: number
  readonly readOnly: boolean
  /** IAM, STS (global endpoint) and sign-in events are logged in us-east-1 only. */
  readonly global?: boolean
  readonly identities?: readonly (readonly [number, IdentityKind])[]
  readonly errors?: readonly (readonly [code: string, message: string])[]
  readonly request?: (context: EventContext) => Json
  readonly response?: (context: EventContext) => Json
  readonly additional?: (context: EventContext) => Json
}

const PEOPLE = ['alice', 'bob', 'carol', 'dmitri', 'eun-ji', 'farida']
const ROLES = ['Admin', 'ci-deploy', 'ReadOnly', 'lambda-orders', 'ecs-task-api']
const SERVICES = [
  'ec2.amazonaws.com',
  'lambda.amazonaws.com',
  'cloudformation.amazonaws.com',
  'autoscaling.amazonaws.com',
  'config.amazonaws.com',
  'elasticloadbalancing.amazonaws.com'
]
const AGENTS = [
  'aws-cli/2.17.12 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 command/ec2.describe-instances',
  'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.220-209.869.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.144',
  'aws-sdk-js/3.621.0 ua/2.0 os/linux#5.10.219 lang/js md/nodejs#20.15.1 api/s3#3.621.0',
  'terraform-provider-aws/5.59.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.3 ua/2.1 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'console.amazonaws.com'
]
const DEFAULT_IDENTITIES: readonly (readonly [number, IdentityKind])[] = [
  [10, 'user'],
  [40, 'role'],
  [12, 'sso'],
  [20, 'service-role'],
  [2, 'account']
]
const ACCESS_DENIED = ['AccessDenied', 'User is not authorized to perform this operation'] as const
const EC2_DENIED = [
  'Client.UnauthorizedOperation',
  'You are not authorized to perform this operation.'
] as const

function instanceId(random: Random): string {
  return `i-0${random.hex(16)}`
}

function tags(random: Random, count: number): Json {
  const items = []
  for (let i = 0; i < count; i++) {
    items.push({ key: random.pick(['Name', 'team', 'env', 'cost-center']), value: random.hex(8) })
  }
  return { items }
}

function instanceItem(context: EventContext): Json {
  const { random } = context
  return {
    instanceId: instanceId(random),
    imageId: `ami-0${random.hex(16)}`,
    instanceState: { code: 0, name: 'pending' },
    privateDnsName: `ip-10-0-${random.int(0, 255)}-${random.int(0, 255)}.ec2.internal`,
    amiLaunchIndex: 0,
    productCodes: {},
    instanceType: random.pick(['t3.micro', 'm7g.large', 'c7i.xlarge']),
    launchTime: context.time.getTime(),
    placement: { availabilityZone: `${context.region}a`, tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: `subnet-0${random.hex(16)}`,
    vpcId: `vpc-0${random.hex(16)}`,
    privateIpAddress: `10.0.${random.int(0, 255)}.${random.int(0, 255)}`,
    stateReason: { code: 'pending', message: 'pending' },
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: {},
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    tagSet: tags(random, 3),
    groupSet: { items: [{ groupId: `sg-0${random.hex(16)}`, groupName: 'default' }] },
    sourceDestCheck: true,
    networkInterfaceSet: {
      items: [
        {
          networkInterfaceId: `eni-0${random.hex(16)}`,
          subnetId: `subnet-0${random.hex(16)}`,
          vpcId: `vpc-0${random.hex(16)}`,
          ownerId: context.account,
          status: 'in-use',
          macAddress: '0e:aa:bb:cc:dd:ee',
          privateIpAddress: `10.0.${random.int(0, 255)}.${random.int(0, 255)}`,
          sourceDestCheck: true,
          interfaceType: 'interface'
        }
      ]
    },
    ebsOptimized: false,
    enaSupport: true,
    cpuOptions: { coreCount: 1, threadsPerCore: 2 },
    capacityReservationSpecification: { capacityReservationPreference: 'open' },
    metadataOptions: { state: 'pending', httpTokens: 'required', httpPutResponseHopLimit: 2 }
  }
}

const TEMPLATES: readonly EventTemplate[] = [
  {
    source: 'ec2.amazonaws.com',
    name: 'DescribeInstances',
    weight: 30,
    readOnly: true,
    errors: [EC2_DENIED],
    request: ({ random }) => ({
      instancesSet: {},
      filterSet: {
        items: [
          { name: 'instance-state-name', valueSet: { items: [{ value: 'running' }] } },
          { name: 'tag:team', valueSet: { items: [{ value: random.pick(PEOPLE) }] } }
        ]
      }
    })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'DescribeSecurityGroups',
    weight: 10,
    readOnly: true,
    request: ({ random }) => ({
      securityGroupSet: {},
      securityGroupIdSet: { items: [{ groupId: `sg-0${random.hex(16)}` }] },
      filterSet: {}
    })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'RunInstances',
    weight: 2,
    readOnly: false,
    errors: [EC2_DENIED, ['Client.InvalidParameterValue', 'Invalid value for instanceType']],
    request: (context) => ({
      instancesSet: { items: [{ imageId: `ami-0${context.random.hex(16)}`, minCount: 1 }] },
      instanceType: 't3.micro',
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: context.random.uuid(),
      tagSpecificationSet: { items: [{ resourceType: 'instance', tags: tags(context.random, 2) }] }
    }),
    response: (context) => ({
      requestId: context.random.uuid(),
      reservationId: `r-0${context.random.hex(16)}`,
      ownerId: context.account,
      groupSet: {},
      instancesSet: { items: [instanceItem(context), instanceItem(context)] }
    })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'TerminateInstances',
    weight: 1,
    readOnly: false,
    errors: [EC2_DENIED],
    request: ({ random }) => ({ instancesSet: { items: [{ instanceId: instanceId(random) }] } }),
    response: ({ random }) => ({
      requestId: random.uuid(),
      instancesSet: {
        items: [
          {
            instanceId: instanceId(random),
            currentState: { code: 32, name: 'shutting-down' },
            previousState: { code: 16, name: 'running' }
          }
        ]
      }
    })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'CreateTags',
    weight: 4,
    readOnly: false,
    identities: [[1, 'service']],
    request: ({ random }) => ({
      resourcesSet: { items: [{ resourceId: instanceId(random) }] },
      tagSet: tags(random, 2)
    }),
    response: ({ random }) => ({ requestId: random.uuid(), _return: true })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'AuthorizeSecurityGroupIngress',
    weight: 1,
    readOnly: false,
    errors: [EC2_DENIED],
    request: ({ random }) => ({
      groupId: `sg-0${random.hex(16)}`,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] }
          }
        ]
      }
    }),
    response: ({ random }) => ({ requestId: random.uuid(), _return: true })
  },
  {
    source: 'kms.amazonaws.com',
    name: 'Decrypt',
    weight: 25,
    readOnly: true,
    identities: [
      [3, 'service'],
      [2, 'role']
    ],
    request: ({ random, account, region }) => ({
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      encryptionContext: {
        'aws:lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:${random.pick(ROLES)}`
      }
    }),
    additional: () => null
  },
  {
    source: 'kms.amazonaws.com',
    name: 'GenerateDataKey',
    weight: 8,
    readOnly: true,
    identities: [[1, 'service']],
    request: ({ random, account, region }) => ({
      keyId: `arn:aws:kms:${region}:${account}:key/${random.uuid()}`,
      keySpec: 'AES_256',
      encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::bucket-${random.hex(6)}/data.parquet` }
    })
  },
  {
    source: 's3.amazonaws.com',
    name: 'ListBuckets',
    weight: 6,
    readOnly: true,
    errors: [ACCESS_DENIED],
    request: ({ region }) => ({ Host: `s3.${region}.amazonaws.com` }),
    additional: ({ random }) => ({
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': random.string(
        76,
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
      ),
      bytesTransferredOut: random.int(300, 9000)
    })
  },
  {
    source: 's3.amazonaws.com',
    name: 'PutBucketPolicy',
    weight: 1,
    readOnly: false,
    errors: [ACCESS_DENIED],
    request: ({ random, account }) => ({
      bucketName: `data-${random.hex(6)}`,
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllowRead',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: ['arn:aws:s3:::data/*', 'arn:aws:s3:::data']
          }
        ]
      },
      Host: 's3.amazonaws.com',
      policy: ''
    })
  },
  {
    source: 'lambda.amazonaws.com',
    name: 'ListFunctions20150331',
    weight: 5,
    readOnly: true,
    request: () => ({ functionVersion: 'ALL', maxItems: 50 })
  },
  {
    source: 'logs.amazonaws.com',
    name: 'CreateLogStream',
    weight: 8,
    readOnly: false,
    identities: [[1, 'service-role']],
    request: ({ random }) => ({
      logGroupName: `/aws/lambda/${random.pick(ROLES)}`,
      logStreamName: `2024/07/31/[$LATEST]${random.hex(32)}`
    })
  },
  {
    source: 'ssm.amazonaws.com',
    name: 'GetParameter',
    weight: 6,
    readOnly: true,
    errors: [
      ['ParameterNotFound', ''],
      ['ThrottlingException', 'Rate exceeded']
    ],
    request: ({ random }) => ({
      name: `/app/${random.pick(ROLES)}/db-password`,
      withDecryption: true
    })
  },
  {
    source: 'secretsmanager.amazonaws.com',
    name: 'GetSecretValue',
    weight: 4,
    readOnly: true,
    errors: [
      ACCESS_DENIED,
      ['ResourceNotFoundException', "Secrets Manager can't find the specified secret."]
    ],
    request: ({ random, account, region }) => ({
      secretId: `arn:aws:secretsmanager:${region}:${account}:secret:prod/api-${random.hex(6)}`
    })
  },
  {
    source: 'rds.amazonaws.com',
    name: 'DescribeDBInstances',
    weight: 3,
    readOnly: true,
    request: () => ({ maxRecords: 100 })
  },
  {
    source: 'cloudtrail.amazonaws.com',
    name: 'LookupEvents',
    weight: 1,
    readOnly: true,
    request: () => ({
      maxResults: 50,
      lookupAttributes: [{ attributeKey: 'ReadOnly', attributeValue: 'false' }]
    })
  },
  {
    source: 'cloudtrail.amazonaws.com',
    name: 'StopLogging',
    weight: 0.05,
    readOnly: false,
    identities: [
      [1, 'user'],
      [1, 'role']
    ],
    request: ({ account, region }) => ({
      name: `arn:aws:cloudtrail:${region}:${account}:trail/management`
    })
  },
  {
    source: 'kms.amazonaws.com',
    name: 'ScheduleKeyDeletion',
    weight: 0.05,
    readOnly: false,
    errors: [ACCESS_DENIED],
    request: ({ random }) => ({ keyId: random.uuid(), pendingWindowInDays: 7 })
  },
  {
    source: 'config.amazonaws.com',
    name: 'StopConfigurationRecorder',
    weight: 0.05,
    readOnly: false,
    request: () => ({ configurationRecorderName: 'default' })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'CreateNetworkAclEntry',
    weight: 0.1,
    readOnly: false,
    request: ({ random }) => ({
      networkAclId: `acl-0${random.hex(16)}`,
      ruleNumber: 100,
      egress: false,
      ruleAction: 'allow',
      cidrBlock: '0.0.0.0/0'
    })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'AttachInternetGateway',
    weight: 0.1,
    readOnly: false,
    request: ({ random }) => ({
      internetGatewayId: `igw-0${random.hex(16)}`,
      vpcId: `vpc-0${random.hex(16)}`
    })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'CreateRoute',
    weight: 0.1,
    readOnly: false,
    request: ({ random }) => ({
      routeTableId: `rtb-0${random.hex(16)}`,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: `igw-0${random.hex(16)}`
    })
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'CreateVpc',
    weight: 0.1,
    readOnly: false,
    request: () => ({ cidrBlock: '10.1.0.0/16' })
  },
  {
    source: 'iam.amazonaws.com',
    name: 'GetRole',
    weight: 8,
    readOnly: true,
    global: true,
    identities: [
      [1, 'service-role'],
      [1, 'role']
    ],
    errors: [['NoSuchEntityException', 'The role with name legacy cannot be found.']],
    request: ({ random }) => ({ roleName: random.pick(ROLES) })
  },
  {
    source: 'iam.amazonaws.com',
    name: 'ListRoles',
    weight: 3,
    readOnly: true,
    global: true
  },
  {
    source: 'iam.amazonaws.com',
    name: 'CreateAccessKey',
    weight: 0.3,
    readOnly: false,
    global: true,
    identities: [
      [3, 'user'],
      [1, 'root']
    ],
    errors: [ACCESS_DENIED],
    request: ({ random }) => ({ userName: random.pick(PEOPLE) }),
    response: ({ random, time }) => ({
      accessKey: {
        userName: random.pick(PEOPLE),
        accessKeyId: `AKIA${random.string(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
        status: 'Active',
        createDate: time.toUTCString()
      }
    })
  },
  {
    source: 'iam.amazonaws.com',
    name: 'AttachRolePolicy',
    weight: 0.5,
    readOnly: false,
    global: true,
    errors: [ACCESS_DENIED],
    request: ({ random }) => ({
      roleName: random.pick(ROLES),
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'
    })
  },
  {
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    weight: 12,
    readOnly: true,
    global: true,
    identities: [
      [3, 'service'],
      [1, 'user'],
      [1, 'account']
    ],
    errors: [ACCESS_DENIED],
    request: ({ random, account }) => ({
      roleArn: `arn:aws:iam::${account}:role/${random.pick(ROLES)}`,
      roleSessionName: `session-${random.hex(8)}`,
      durationSeconds: 3600
    }),
    response: ({ random, time }) => ({
      credentials: {
        accessKeyId: `ASIA${random.string(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
        sessionToken: random.string(
          360,
          'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
        ),
        expiration: new Date(time.getTime() + 3_600_000).toUTCString()
      },
      assumedRoleUser: { assumedRoleId: `AROA${random.hex(16).toUpperCase()}:session`, arn: 'x' }
    })
  },
  {
    source: 'sts.amazonaws.com',
    name: 'GetCallerIdentity',
    weight: 6,
    readOnly: true,
    global: true
  },
  {
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    weight: 0.6,
    readOnly: false,
    global: true,
    identities: [
      [4, 'user'],
      [1, 'root'],
      [3, 'sso']
    ],
    errors: [['', 'Failed authentication']],
    response: ({ random }) => ({ ConsoleLogin: random.chance(0.9) ? 'Success' : 'Failure' }),
    additional: ({ random }) => ({
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: random.pick(['Yes', 'No'])
    })
  }
]

function identity(context: EventContext, kind: IdentityKind): JsonObject {
  const { random, account } = context
  const created = new Date(context.time.getTime() - random.int(60, 3600) * 1000).toISOString()
  const key = (prefix: string): string =>
    `${prefix}${random.string(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`
  const assumed = (role: string, issuerPath: string, session: string): JsonObject => ({
    type: 'AssumedRole',
    principalId: `AROA${account.slice(0, 8)}ROLE:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: key('ASIA'),
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROA${account.slice(0, 8)}ROLE`,
        arn: `arn:aws:iam::${account}:role/${issuerPath}${role}`,
        accountId: account,
        userName: role
      },
      webIdFederationData: {},
      attributes: { creationDate: created, mfaAuthenticated: 'false' }
    }
  })
  switch (kind) {
    case 'user': {
      const name = random.pick(PEOPLE)
      return {
        type: 'IAMUser',
        principalId: `AIDA${account.slice(0, 8)}${name.length}`,
        arn: `arn:aws:iam::${account}:user/${name}`,
        accountId: account,
        accessKeyId: key('AKIA'),
        userName: name
      }
    }
    case 'role':
      return assumed(random.pick(ROLES), '', `i-0${pooled(random.hex(16), INSTANCE_SESSIONS)}`)
    case 'sso':
      return assumed(
        'AWSReservedSSO_AdministratorAccess_5a1b2c3d4e5f6a7b',
        'aws-reserved/sso.amazonaws.com/',
        `${random.pick(PEOPLE)}@example.com`
      )
    case 'service-role': {
      const role = assumed(
        random.pick(ROLES),
        'service-role/',
        pooled(random.hex(10), SERVICE_SESSIONS)
      )
      return { ...role, invokedBy: random.pick(SERVICES) }
    }
    case 'service':
      return { type: 'AWSService', invokedBy: random.pick(SERVICES) }
    case 'root':
      return {
        type: 'Root',
        principalId: account,
        arn: `arn:aws:iam::${account}:root`,
        accountId: account,
        accessKeyId: ''
      }
    case 'account':
      return {
        type: 'AWSAccount',
        principalId: `AIDA${random.hex(12).toUpperCase()}`,
        accountId: '999988887777'
      }
  }
}

function sourceIp(random: Random, kind: IdentityKind, userIdentity: JsonObject): string {
  if (kind === 'service') return String(userIdentity.invokedBy)
  return random.chance(0.5)
    ? `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`
    : `203.0.113.${random.int(1, 254)}`
}

const weighted = (templates: readonly EventTemplate[]): (readonly [number, EventTemplate])[] =>
  templates.map((template) => [template.weight, template] as const)
const GLOBAL_REGION_TEMPLATES = weighted(TEMPLATES)
const REGIONAL_TEMPLATES = weighted(TEMPLATES.filter((template) => !template.global))

/** One CloudTrail record, its fields in the order CloudTrail writes them. */
/**
 * Role sessions as a real account has them: a few instances and service sessions, each making many
 * calls in a day. A new session name per event would make every event its own actor, which no
 * trail delivers. `hex` (drawn as before, so the rest of the sequence stays the same) picks one of
 * `size` names, each as long as `hex`.
 */
function pooled(hex: string, size: number): string {
  const n = parseInt(hex.slice(0, 4), 16) % size
  return ((BigInt(n + 1) * 0x9e3779b97f4a7c15n) & ((1n << BigInt(4 * hex.length)) - 1n))
    .toString(16)
    .padStart(hex.length, '0')
}
/** Instances whose role sessions act in an account and region. */
const INSTANCE_SESSIONS = 24
/** Sessions of service roles (a Lambda function's, a build's). */
const SERVICE_SESSIONS = 12

export function makeRecord(
  context: EventContext,
  template: EventTemplate,
  kind: IdentityKind = context.random.weighted(template.identities ?? DEFAULT_IDENTITIES)
): JsonObject {
  const { random } = context
  const userIdentity = identity(context, kind)
  const error =
    template.errors !== undefined && random.chance(0.06) ? random.pick(template.errors) : undefined
  const record: JsonObject = {
    eventVersion: '1.10',
    userIdentity,
    eventTime: context.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: template.source,
    eventName: template.name,
    awsRegion: context.region,
    sourceIPAddress: sourceIp(random, kind, userIdentity),
    userAgent: kind === 'service' ? String(userIdentity.invokedBy) : random.pick(AGENTS)
  }
  // ConsoleLogin reports a failed sign-in with errorMessage and no errorCode.
  if (error !== undefined && error[0] !== '') record.errorCode = error[0]
  if (error !== undefined) record.errorMessage = error[1]
  record.requestParameters = template.request?.(context) ?? null
  record.responseElements = error === undefined ? (template.response?.(context) ?? null) : null
  if (template.additional !== undefined) record.additionalEventData = template.additional(context)
  record.requestID = random.uuid()
  record.eventID = random.uuid()
  record.readOnly = template.readOnly
  if (!template.readOnly) {
    record.resources = [
      {
        accountId: context.account,
        type: `AWS::${template.source.split('.')[0]}::Resource`,
        ARN: `arn:aws:${template.source.split('.')[0]}:${context.region}:${context.account}:res/${random.hex(8)}`
      }
    ]
  }
  record.eventType = kind === 'service' ? 'AwsServiceEvent' : 'AwsApiCall'
  record.managementEvent = true
  record.recipientAccountId = context.account
  record.eventCategory = 'Management'
  if (kind !== 'service') {
    record.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${template.source.split('.')[0]}.${context.region}.amazonaws.com`
    }
  }
  if (template.name === 'ConsoleLogin') record.sessionCredentialFromConsole = 'true'
  return record
}

/** Picks an event, by weight, among those the region logs: global services only in us-east-1. */
export function pickTemplate(random: Random, region: string): EventTemplate {
  return random.weighted(region === 'us-east-1' ? GLOBAL_REGION_TEMPLATES : REGIONAL_TEMPLATES)
}

/** A sign-in to the console as the root user: rare, and what an audit looks for first. */
function template(name: string): EventTemplate {
  const found = TEMPLATES.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`No ${name} template`)
  return found
}

/** A successful call: the catalog's occasional error is not what an audit event is about. */
function succeeded(context: EventContext, name: string, kind: IdentityKind): JsonObject {
  const record = makeRecord(context, template(name), kind)
  delete record.errorCode
  delete record.errorMessage
  return record
}

/**
 * One event for each CIS rule, so that every sample, however small, exercises every one of them:
 * the global ones (IAM, sign-in) for us-east-1, the regional ones for any region.
 */
export function auditRecords(context: EventContext): JsonObject[] {
  const regional = [
    succeeded(context, 'StopLogging', 'user'),
    succeeded(context, 'ScheduleKeyDeletion', 'role'),
    succeeded(context, 'PutBucketPolicy', 'sso'),
    succeeded(context, 'StopConfigurationRecorder', 'role'),
    succeeded(context, 'AuthorizeSecurityGroupIngress', 'role'),
    succeeded(context, 'CreateNetworkAclEntry', 'user'),
    succeeded(context, 'AttachInternetGateway', 'role'),
    succeeded(context, 'CreateRoute', 'role'),
    succeeded(context, 'CreateVpc', 'sso'),
    {
      ...succeeded(context, 'DescribeInstances', 'role'),
      errorCode: EC2_DENIED[0],
      errorMessage: EC2_DENIED[1]
    }
  ]
  if (context.region !== 'us-east-1') return regional
  const login = (response: Json, mfa: string, kind: IdentityKind): JsonObject => ({
    ...succeeded(context, 'ConsoleLogin', kind),
    responseElements: response,
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: mfa
    }
  })
  return [
    ...regional,
    login({ ConsoleLogin: 'Success' }, 'Yes', 'root'),
    login({ ConsoleLogin: 'Success' }, 'No', 'user'),
    { ...login({ ConsoleLogin: 'Failure' }, 'No', 'user'), errorMessage: 'Failed authentication' },
    succeeded(context, 'AttachRolePolicy', 'role')
  ]
}

/** Whether the event comes from a global service, which a second trail may deliver again. */
export function isGlobal(template: EventTemplate): boolean {
  return template.global === true
}

/** The odd records a real bucket holds sooner or later, each generated at least once. */
export const ODDITIES = [
  'non-ascii',
  'keys-differing-by-case',
  'large-document',
  'nulls',
  'no-event-id',
  'no-event-time'
] as const
export type Oddity = (typeof ODDITIES)[number]

/** Turns `record` into an odd one, in place. */
export function applyOddity(record: JsonObject, oddity: Oddity, context: EventContext): void {
  switch (oddity) {
    case 'non-ascii':
      record.requestParameters = {
        description: 'Überprüfung — 日本語のタグ ✓ 🚀 "quoted" \\ back\nslash',
        clé: 'valeur',
        tag: '\u0000\u0010\u2028'
      }
      record.userAgent = 'Mozilla/5.0 (Macintosh) Safari/605.1.15 — Français 🙂'
      break
    case 'keys-differing-by-case':
      record.requestParameters = { bucketName: 'alpha', BucketName: 'beta', BUCKETNAME: 'gamma' }
      break
    case 'large-document': {
      const items = []
      for (let i = 0; i < 80; i++) items.push(instanceItem(context))
      record.responseElements = {
        reservationId: `r-0${context.random.hex(16)}`,
        instancesSet: { items }
      }
      break
    }
    case 'nulls':
      record.userIdentity = {
        type: 'AssumedRole',
        principalId: null,
        arn: null,
        accountId: context.account,
        sessionContext: { sessionIssuer: {}, attributes: null }
      }
      record.errorCode = null
      record.requestParameters = null
      record.responseElements = null
      break
    case 'no-event-id':
      delete record.eventID
      break
    case 'no-event-time':
      record.eventTime = null
      break
  }
}
