/**
 * Records for the cases the generator's random sample makes rarely or never, for the aggregation
 * oracle: rule matches on values read in odd ways, each principal and actor fallback, dedupe and
 * evidence corners (duplicates that differ, events without an eventID, a burst past the evidence
 * limit, long request parameters), and event times in other forms. Each is a CloudTrail record
 * shape made by the generator and changed; the comment says what it probes.
 */
import {
  makeRecord,
  type EventContext,
  type Json,
  type JsonObject
} from '../scripts/generator/events.js'
import { Random } from '../scripts/generator/random.js'

type IdentityKind = NonNullable<Parameters<typeof makeRecord>[2]>

/** More events of one key than the largest evidence limit the oracle tries. */
export const BURST = 130

/**
 * In the JSON text, `\uE000` followed by a character becomes that character as a `\u` escape:
 * CloudTrail never writes one, but a JSON reader must read `"\u0041ssumedRole"` as `AssumedRole`,
 * and the local engine's parser takes a separate path for escaped strings.
 */
export function spellEscapes(json: string): string {
  return json.replace(/\uE000(.)/g, (_, character: string) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

export function edgeRecords(account: string): JsonObject[] {
  const random = new Random(2026)
  // Minutes before midnight: the second delivery, in the next day's folder, is a late one.
  const late: EventContext = {
    random,
    account,
    region: 'us-east-1',
    time: new Date('2026-11-01T23:50:00Z')
  }
  const event = (
    source: string,
    name: string,
    kind: IdentityKind,
    changes: JsonObject = {}
  ): JsonObject => ({
    ...makeRecord(late, { source, name, weight: 1, readOnly: false }, kind),
    ...changes
  })
  const withIdentity = (record: JsonObject, changes: JsonObject): JsonObject => ({
    ...record,
    userIdentity: { ...(record.userIdentity as JsonObject), ...changes }
  })
  const without = (record: JsonObject, key: string): JsonObject => {
    const copy = { ...record }
    delete copy[key]
    return copy
  }
  const login = (kind: IdentityKind, response: Json, additional: Json): JsonObject =>
    event('signin.amazonaws.com', 'ConsoleLogin', kind, {
      responseElements: response,
      additionalEventData: additional
    })
  // A call every run finds: the trail stopped, by one role session.
  const stop = (changes: JsonObject = {}): JsonObject =>
    event('cloudtrail.amazonaws.com', 'StopLogging', 'role', {
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${account}:assumed-role/ops/alice@example.com`,
        accountId: account,
        sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${account}:role/ops` } }
      },
      errorCode: null,
      ...changes
    })
  const shared = random.uuid()
  const twice = random.uuid()
  const astral = '\u{1f600}'

  return [
    // Rules on values read in odd ways: root's calls, unless a service acted for it or the event
    // is the service's own; a denied call; the right name from another service, or in lowercase.
    event('iam.amazonaws.com', 'CreateAccessKey', 'root'),
    withIdentity(event('iam.amazonaws.com', 'ListRoles', 'root'), {
      invokedBy: 'support.amazonaws.com'
    }),
    event('s3.amazonaws.com', 'ListBuckets', 'root', { eventType: 'AwsServiceEvent' }),
    event('cloudtrail.amazonaws.com', 'DeleteTrail', 'root'),
    event('cloudtrail.amazonaws.com', 'StopLogging', 'user', { errorCode: 'AccessDenied' }),
    event('ec2.amazonaws.com', 'StopLogging', 'role'),
    event('cloudtrail.amazonaws.com', 'stoplogging', 'role'),

    // Console sign-in: without MFA ('No', missing, no additional data at all, lowercase 'yes',
    // an object), with MFA, failed by message or by response, a result that is not text, and
    // not an IAM user.
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: 'No' }),
    login('user', { ConsoleLogin: 'Success' }, { LoginTo: 'https://console.aws.amazon.com/' }),
    login('user', { ConsoleLogin: 'Success' }, null),
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: 'yes' }),
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: 'Yes' }),
    login('user', { ConsoleLogin: 'Success' }, { MFAUsed: { value: 'Yes' } }),
    login('user', { ConsoleLogin: 'Failure' }, { MFAUsed: 'Yes' }),
    login('user', { ConsoleLogin: ['Success'] }, { MFAUsed: 'No' }),
    login('sso', { ConsoleLogin: 'Success' }, { MFAUsed: 'No' }),
    login('role', null, { MFAUsed: 'No' }),
    { ...login('user', null, null), errorMessage: 'Failed authentication' },
    { ...login('user', null, null), errorMessage: 'failed authentication' },
    // A JSON string where an object is expected: no field inside it.
    login('user', 'Success', 'No'),

    // Refused calls, by the code's start or end, and codes that only look alike.
    event('ec2.amazonaws.com', 'RunInstances', 'role', {
      errorCode: 'Client.UnauthorizedOperation'
    }),
    event('s3.amazonaws.com', 'GetObject', 'role', { errorCode: 'AccessDenied' }),
    event('kms.amazonaws.com', 'Decrypt', 'role', { errorCode: 'AccessDeniedException' }),
    event('kms.amazonaws.com', 'Decrypt', 'role', { errorCode: 'accessdenied' }),
    event('ec2.amazonaws.com', 'RunInstances', 'role', {
      errorCode: 'UnauthorizedOperationRetry'
    }),
    event('sts.amazonaws.com', 'AssumeRole', 'role', { errorCode: 'XAccessDenied' }),

    // Who acted: each fallback of the principal, the user name of an identity without an ARN
    // before the service and account, and no identity at all.
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), {
      sessionContext: { sessionIssuer: { arn: '' } }
    }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), { sessionContext: null }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'user'), {
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${account}:role/not-assumed` } }
    }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'service-role'), { arn: '' }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'service'), { invokedBy: '' }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'account'), { accountId: '' }),
    withIdentity(event('signin.amazonaws.com', 'ConsoleLogin', 'user'), { arn: null }),
    withIdentity(event('ec2.amazonaws.com', 'DescribeVpcs', 'account'), {
      invokedBy: 'ec2.amazonaws.com',
      userName: 'named-and-invoked'
    }),
    { ...event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), userIdentity: null },
    without(event('ec2.amazonaws.com', 'DescribeVpcs', 'role'), 'userIdentity'),

    // The person or session behind it: a source identity before the session name; a session
    // name, empty, or missing from an ARN without `/`, or after a line break; an Identity Center
    // user, by user id, and by user name when the record has one; the service a call came
    // through.
    withIdentity(stop(), {
      sessionContext: {
        sessionIssuer: { arn: `arn:aws:iam::${account}:role/ops` },
        sourceIdentity: 'alice-laptop'
      }
    }),
    withIdentity(stop(), { arn: `arn:aws:sts::${account}:assumed-role/ops/` }),
    withIdentity(stop(), { arn: 'assumed-role-without-a-slash', userName: 'fallback-user' }),
    withIdentity(stop(), { arn: `arn:aws:sts::${account}:assumed-role/ops/first\n/second` }),
    event('sso.amazonaws.com', 'ListInstances', 'user', {
      userIdentity: {
        type: 'IdentityCenterUser',
        accountId: account,
        onBehalfOf: {
          userId: '94482488-3041-7026-18f3-be45837cd0e4',
          identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-1234567890'
        },
        credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE'
      }
    }),
    event('sso.amazonaws.com', 'ListInstances', 'user', {
      userIdentity: {
        type: 'IdentityCenterUser',
        accountId: account,
        userName: 'carol',
        onBehalfOf: { userId: 'c4f8a4b8-0001-7026-18f3-be45837cd0e4' }
      }
    }),
    withIdentity(stop(), { invokedBy: 'cloudformation.amazonaws.com', arn: null, type: 'Role' }),

    // Text the local engine decodes on its slower paths: escapes, and bytes beyond ASCII.
    withIdentity(event('ec2.amazonaws.com', '\uE000DescribeVpcs', 'role'), {
      type: '\uE000AssumedRole'
    }),
    withIdentity(event('cloudtrail.amazonaws.com', 'Stop\uE000Logging', 'user'), {
      arn: `arn:aws:iam::${account}:user/"quoted"\\back`
    }),
    withIdentity(event('s3.amazonaws.com', 'PutBucketPolicy', 'user', { errorCode: 'Zugriff✗' }), {
      arn: `arn:aws:iam::${account}:user/jürgen-日本`
    }),

    // Dedupe: an event without an eventID or with an empty one is always new; an eventID counts
    // once per aggregate row, so the same one under two names counts in both.
    without(event('sts.amazonaws.com', 'GetCallerIdentity', 'role'), 'eventID'),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: '' }),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: shared }),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: shared }),
    event('sts.amazonaws.com', 'GetSessionToken', 'role', { eventID: shared }),
    event('sts.amazonaws.com', 'GetCallerIdentity', 'role', { eventID: shared.toUpperCase() }),

    // Evidence with dedupe: one event delivered with different fields keeps its smallest tuple
    // (here the earliest time), and its row's first and last times span all of them; events
    // without an eventID, or with an empty one, are each listed.
    stop({ eventID: twice, eventTime: '2026-11-01T23:50:00Z', sourceIPAddress: '203.0.113.9' }),
    stop({ eventID: twice, eventTime: '2026-11-01T23:50:00Z', sourceIPAddress: '203.0.113.9' }),
    stop({ eventID: twice, eventTime: '2026-11-01T23:50:00Z', sourceIPAddress: '198.51.100.1' }),
    stop({ eventID: twice, eventTime: '2026-11-01T23:49:59Z', userAgent: 'z-agent' }),
    stop({ eventID: twice, eventTime: '2026-11-01T23:51:00Z', requestParameters: { name: 'b' } }),
    without(stop(), 'eventID'),
    without(stop(), 'eventID'),
    stop({ eventID: '' }),

    // More events of one key than the evidence lists, at times out of order; the request
    // parameters cut at 1,000 code points, astral ones around the cut; resources with several
    // ARNs, a null one, one without an ARN, an empty one; none; null.
    ...Array.from({ length: BURST }, (_, i) =>
      stop({
        eventID: `burst-${String((i * 37) % BURST).padStart(3, '0')}`,
        eventTime: `2026-11-01T22:${String((i * 7) % 60).padStart(2, '0')}:00Z`,
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${account}:assumed-role/ops/burst`,
          accountId: account,
          sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${account}:role/ops` } }
        }
      })
    ),
    stop({ requestParameters: { name: `${'x'.repeat(995)}${astral.repeat(10)}` } }),
    stop({ requestParameters: { name: astral.repeat(1200) } }),
    stop({
      resources: [
        {
          ARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/b',
          type: 'AWS::CloudTrail::Trail'
        },
        null,
        { type: 'AWS::S3::Bucket' },
        { ARN: '', type: 'AWS::S3::Bucket' },
        { ARN: 'arn:aws:s3:::a', type: 'AWS::S3::Bucket' }
      ]
    }),
    stop({ resources: [] }),
    stop({ resources: null }),

    // Event times in forms CloudTrail does not write: another offset (dated in UTC, across
    // midnight both ways), a fraction, a date alone, a date that does not exist, a space for the
    // `T`, nothing at all; and a rule's match without a time.
    ...[
      '2026-11-02T00:30:00+01:00',
      '2026-11-01T23:30:00-01:00',
      '2026-11-01T12:00:00.250Z',
      '2026-11-01',
      '2026-11-31T00:00:00Z',
      '2026-11-01 12:00:00',
      ''
    ].map((eventTime) => event('ec2.amazonaws.com', 'DescribeRegions', 'role', { eventTime })),
    without(event('ec2.amazonaws.com', 'DescribeRegions', 'role'), 'eventTime'),
    without(stop(), 'eventTime')
  ]
}
