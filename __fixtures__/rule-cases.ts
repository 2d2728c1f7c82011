/**
 * Records and rules for the rules oracle (`engine-rules-oracle.test.ts`): every construct and
 * modifier of the loader, each rule with the events (by `eventID`) it must match, and records that
 * sit just beside them (case, escapes, newlines, code points, address forms, null and empty).
 */
import type { JsonObject } from '../scripts/generator/events.js'

type IdentityKind = 'user' | 'role' | 'root'
/** A generated record with `changes` over it. */
export type MakeRecord = (changes: JsonObject, kind?: IdentityKind) => JsonObject

/** The generated records, each changed into one case, its `eventID` naming the case. */
export function oracleRecords(make: MakeRecord): JsonObject[] {
  const record = (id: string, changes: JsonObject, kind?: IdentityKind): JsonObject => ({
    ...make(
      {
        userAgent: 'test-agent',
        sourceIPAddress: '192.0.2.10',
        requestParameters: null,
        responseElements: null,
        ...changes
      },
      kind
    ),
    eventID: id
  })
  const user = (id: string, userName: string): JsonObject =>
    record(id, { requestParameters: { userName } })
  const agent = (id: string, userAgent: string): JsonObject => record(id, { userAgent })
  const address = (id: string, sourceIPAddress: string): JsonObject =>
    record(id, { sourceIPAddress })
  const identity = (id: string, kind: IdentityKind, changes: JsonObject): JsonObject => {
    const made = record(id, {}, kind)
    return { ...made, userIdentity: { ...(made.userIdentity as JsonObject), ...changes } }
  }
  const withoutAgent = record('no-ua', {})
  delete withoutAgent.userAgent
  const withSessionContext = (id: string, changes: JsonObject): JsonObject => {
    const made = record(id, {}, 'role')
    const userIdentity = made.userIdentity as JsonObject
    return {
      ...made,
      userIdentity: {
        ...userIdentity,
        sessionContext: { ...(userIdentity.sessionContext as JsonObject), ...changes }
      }
    }
  }
  return [
    record('base', {
      requestParameters: { userName: 'alice' },
      userAgent: 'aws-cli/2.17.12 md/awscrt'
    }),
    record('name-upper', { eventName: 'GETUSER', requestParameters: { userName: 'ALICE' } }),
    user('wild-star', 'a*b'),
    user('wild-q', 'a?b'),
    user('wild-bs', 'a\\b'),
    user('wild-pct', 'a%b_c'),
    user('wild-pct2', 'a%bxc'),
    user('astral', 'x😀y'),
    user('astral2', 'x😀😀y'),
    agent('agent-partial', 'aws-cli/2.17.12'),
    agent('agent-upper', 'AWS-CLI/2 MD/AWSCRT'),
    agent('unicode', 'Überprüfung İstanbul ΣΑΣ'),
    agent('abc-ua', 'xabc'),
    agent('abc-newline', 'xabc\n'),
    agent('empty-ua', ''),
    withoutAgent,
    record('numbers', {
      eventName: 'CreateUser',
      readOnly: false,
      requestParameters: { durationSeconds: 3600, withDecryption: true, ratio: 0.5 }
    }),
    record('nested', {
      eventName: 'DeleteUser',
      requestParameters: { policy: { statement: { effect: 'Allow' } }, tags: ['a'], empty: null }
    }),
    record('nested2', { requestParameters: { tags: ['b'], empty: 'x' } }),
    record('json-string', { requestParameters: '{"userName":"bob"}' }),
    record('json-bad', { requestParameters: 'not json' }),
    record('resources', {
      resources: [
        { ARN: 'arn:aws:s3:::bucket-a', accountId: '111122223333', type: 'AWS::S3::Bucket' },
        { ARN: 'arn:aws:s3:::bucket-b/key', type: 'AWS::S3::Object' }
      ]
    }),
    record('resources-empty', { resources: [] }),
    record('resources-no-arn', { resources: [{ type: 'AWS::IAM::Role' }] }),
    address('ipv4-in', '10.1.2.3'),
    address('ipv4-edge', '10.255.255.255'),
    address('ipv4-out', '11.0.0.0'),
    address('ipv4-bad', '10.0.0.256'),
    address('ipv4-zero', '010.1.2.3'),
    address('ipv6', '2001:db8::1'),
    address('service-ip', 'ec2.amazonaws.com'),
    identity('root-service', 'root', { invokedBy: '' }),
    record('root-absent', {}, 'root'),
    identity('root-null', 'root', { invokedBy: null }),
    identity('root-invoked', 'root', { invokedBy: 'support.amazonaws.com' }),
    withSessionContext('source-identity', { sourceIdentity: 'alice@example.com' }),
    identity('on-behalf', 'user', {
      type: 'IdentityCenterUser',
      onBehalfOf: {
        userId: 'u-123',
        identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-1'
      }
    }),
    record('tls', {
      tlsDetails: {
        tlsVersion: 'TLSv1.2',
        cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256',
        clientProvidedHostHeader: 'iam.amazonaws.com'
      }
    }),
    record('addendum', { addendum: { reason: 'DELIVERY_DELAY' } }),
    record('service-event', {
      eventType: 'AwsServiceEvent',
      serviceEventDetails: { snapshotId: 'snap-1' }
    }),
    record('newline', { errorMessage: 'line one\nline two' }),
    record('lines', { errorMessage: 'first\nsecond\r\nthird' }),
    record('lines2', { errorMessage: 'first\nsecond\nthird' })
  ]
}

/** A rule's detection (and anything else after `level`), and the events it must match. */
export interface OracleCase {
  readonly key: string
  readonly yaml: string
  readonly matches: readonly string[]
}

const selection = (body: string): string =>
  `logsource: {product: aws, service: cloudtrail}\ndetection:\n  selection:\n${body
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n  condition: selection\n`
const detection = (body: string): string =>
  `logsource: {product: aws, service: cloudtrail}\ndetection:\n${body
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')}\n`

export const ORACLE_CASES: readonly OracleCase[] = [
  {
    key: 'plain-ci',
    yaml: selection('requestParameters.userName: ALICE'),
    matches: ['base', 'name-upper']
  },
  { key: 'cased', yaml: selection('requestParameters.userName|cased: alice'), matches: ['base'] },
  {
    key: 'wildcard-star',
    yaml: selection("requestParameters.userName: 'a*e'"),
    matches: ['base', 'name-upper']
  },
  {
    key: 'escaped-star',
    yaml: selection("requestParameters.userName: 'a\\*b'"),
    matches: ['wild-star']
  },
  {
    key: 'wildcard-q',
    yaml: selection("requestParameters.userName: 'a?b'"),
    matches: ['wild-star', 'wild-q', 'wild-bs']
  },
  { key: 'escaped-q', yaml: selection("requestParameters.userName: 'a\\?b'"), matches: ['wild-q'] },
  {
    key: 'backslash',
    yaml: selection("requestParameters.userName:\n  - 'a\\b'\n  - 'a\\\\b'"),
    matches: ['wild-bs']
  },
  {
    key: 'like-specials',
    yaml: selection("requestParameters.userName|contains: '%b_'"),
    matches: ['wild-pct']
  },
  { key: 'astral-q', yaml: selection("requestParameters.userName: 'x?y'"), matches: ['astral'] },
  {
    key: 'contains-all',
    yaml: selection('userAgent|contains|all:\n  - aws-cli\n  - awscrt'),
    matches: ['base', 'agent-upper']
  },
  {
    key: 'startswith',
    yaml: selection('userAgent|startswith: AWS-CLI/'),
    matches: ['base', 'agent-partial', 'agent-upper']
  },
  { key: 'endswith-cased', yaml: selection('userAgent|endswith|cased: awscrt'), matches: ['base'] },
  {
    key: 'unicode-lower',
    yaml: selection("userAgent|contains: 'ÜBERPRÜFUNG İSTANBUL ΣΑΣ'"),
    matches: ['unicode']
  },
  {
    key: 'values-or',
    yaml: selection('eventName:\n  - CreateUser\n  - DeleteUser'),
    matches: ['numbers', 'nested']
  },
  {
    key: 'number-text',
    yaml: selection('requestParameters.durationSeconds: 3600'),
    matches: ['numbers']
  },
  {
    key: 'boolean-text',
    yaml: selection('requestParameters.withDecryption: true'),
    matches: ['numbers']
  },
  { key: 'readonly-false', yaml: selection('readOnly: false'), matches: ['numbers'] },
  { key: 'decimal', yaml: selection("requestParameters.ratio: '0.5'"), matches: ['numbers'] },
  {
    key: 'nested-path',
    yaml: selection('requestParameters.policy.statement.effect: allow'),
    matches: ['nested']
  },
  {
    key: 'object-no-text',
    yaml: selection('requestParameters.policy|contains: statement'),
    matches: []
  },
  {
    key: 'object-exists',
    yaml: selection('requestParameters.tags|exists: true\nrequestParameters.empty: null'),
    matches: ['nested']
  },
  {
    key: 'whole-json',
    yaml: selection(`requestParameters|contains: '"effect":"allow"'`),
    matches: ['nested']
  },
  {
    key: 'json-string',
    yaml: selection('requestParameters.userName: bob'),
    matches: ['json-string']
  },
  { key: 'json-bad', yaml: selection("requestParameters: 'not json'"), matches: ['json-bad'] },
  { key: 'array-any', yaml: selection("resources.ARN|endswith: '/key'"), matches: ['resources'] },
  { key: 'array-type', yaml: selection("resources.type: 'AWS::S3::*'"), matches: ['resources'] },
  {
    key: 'array-null',
    yaml: selection('resources.type|exists: true\nresources.accountId: null'),
    matches: ['resources-no-arn']
  },
  {
    key: 'array-not-exists',
    yaml: detection(
      'types:\n  resources.type|exists: true\narns:\n  resources.ARN|exists: true\ncondition: types and not arns'
    ),
    matches: ['resources-no-arn']
  },
  {
    key: 'cidr',
    yaml: selection('sourceIPAddress|cidr: 10.0.0.0/8'),
    matches: ['ipv4-in', 'ipv4-edge']
  },
  {
    key: 'cidr-list',
    yaml: selection('sourceIPAddress|cidr:\n  - 11.0.0.0/32\n  - 10.255.255.0/24'),
    matches: ['ipv4-out', 'ipv4-edge']
  },
  {
    key: 'exists-struct',
    yaml: selection('userIdentity.sessionContext.sourceIdentity|exists: true'),
    matches: ['source-identity']
  },
  {
    key: 'null-or-empty',
    yaml: selection("userIdentity.type: Root\nuserIdentity.invokedBy:\n  - null\n  - ''"),
    matches: ['root-service', 'root-absent', 'root-null']
  },
  { key: 'empty-string', yaml: selection("userAgent: ''"), matches: ['empty-ua'] },
  { key: 'null-column', yaml: selection('userAgent: null'), matches: ['no-ua'] },
  {
    key: 'on-behalf',
    yaml: selection('userIdentity.onBehalfOf.userId|startswith: u-'),
    matches: ['on-behalf']
  },
  { key: 'tls', yaml: selection('tlsDetails.tlsVersion: TLSv1.2'), matches: ['tls'] },
  { key: 'addendum', yaml: selection('addendum.reason: delivery_delay'), matches: ['addendum'] },
  {
    key: 'service-event',
    yaml: selection('serviceEventDetails.snapshotId|exists: true'),
    matches: ['service-event']
  },
  {
    key: 'regex-plain',
    yaml: selection("userAgent|re: '^aws-cli/\\d+\\.\\d+'"),
    matches: ['base', 'agent-partial']
  },
  {
    key: 'regex-i',
    yaml: selection("userAgent|re|i: '^aws-cli/\\d'"),
    matches: ['base', 'agent-partial', 'agent-upper']
  },
  { key: 'regex-dollar', yaml: selection("userAgent|re: 'abc$'"), matches: ['abc-ua'] },
  { key: 'regex-m', yaml: selection("errorMessage|re|m: '^second$'"), matches: ['lines2'] },
  { key: 'regex-s', yaml: selection("errorMessage|re|s: 'one.line'"), matches: ['newline'] },
  { key: 'regex-dot', yaml: selection("errorMessage|re: 'one.line'"), matches: [] },
  {
    key: 'regex-classes',
    yaml: selection("userAgent|re: '^\\w+-\\w+/[\\d.]+\\s'"),
    matches: ['base', 'agent-upper']
  },
  {
    key: 'regex-code-points',
    yaml: selection("requestParameters.userName|re: '^x.y$'"),
    matches: ['astral']
  },
  {
    key: 'and-not-parens',
    yaml: detection(
      "sel_a:\n  requestParameters.userName|startswith: a\nsel_b:\n  requestParameters.userName|endswith: b\nfilter:\n  requestParameters.userName: 'a\\*b'\ncondition: (sel_a and sel_b) and not filter"
    ),
    matches: ['wild-q', 'wild-bs']
  },
  {
    key: 'one-of-pattern',
    yaml: detection(
      'sel_x:\n  requestParameters.userName: bob\nsel_y:\n  eventName: DeleteUser\ncondition: 1 of sel_*'
    ),
    matches: ['json-string', 'nested']
  },
  {
    key: 'one-of-them',
    yaml: detection(
      'sel:\n  addendum.reason|exists: true\n_hidden:\n  eventName: GetUser\ncondition: 1 of them'
    ),
    matches: ['addendum']
  },
  {
    key: 'any-of',
    yaml: detection(
      'sel_x:\n  tlsDetails.tlsVersion: TLSv1.2\nsel_y:\n  userAgent: xabc\ncondition: any of sel_*'
    ),
    matches: ['tls', 'abc-ua']
  },
  {
    key: 'all-of-pattern',
    yaml: detection(
      'sel_1:\n  eventName: CreateUser\nsel_2:\n  readOnly: false\ncondition: all of sel_*'
    ),
    matches: ['numbers']
  },
  {
    key: 'all-of-them',
    yaml: detection(
      'sel_1:\n  userIdentity.type: Root\nsel_2:\n  userIdentity.invokedBy|exists: true\ncondition: all of them'
    ),
    matches: ['root-service', 'root-invoked']
  },
  {
    key: 'condition-list',
    yaml: detection(
      'sel_a:\n  tlsDetails.tlsVersion: TLSv1.2\nsel_b:\n  addendum.reason|exists: true\ncondition:\n  - sel_a\n  - sel_b'
    ),
    matches: ['tls', 'addendum']
  },
  {
    key: 'list-of-maps',
    yaml: selection(
      '- eventName: CreateUser\n- eventName: DeleteUser\n  requestParameters.tags|exists: true'
    ),
    matches: ['numbers', 'nested']
  }
]
