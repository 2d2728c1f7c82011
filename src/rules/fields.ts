/**
 * The field catalogue: the CloudTrail record paths a rule can test, and where each is in the
 * Athena table and in the record. Struct fields are those of the table's DDL (`COLUMNS` in
 * `engine/athena/sql.ts`, which a test checks against this list); objects whose shape varies by
 * service are JSON text in the table, so any path below them is allowed.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import type { Field, FieldSource } from './rule.js'

/**
 * The scalar fields of the record and of its structs, as CloudTrail spells their keys. The table's
 * names are the same in lowercase (Hive's JSON SerDe matches keys whatever their case).
 */
export const SCALAR_PATHS: readonly string[] = [
  'eventVersion',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestID',
  'eventID',
  'readOnly',
  'eventType',
  'apiVersion',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'vpcEndpointAccountId',
  'eventCategory',
  'sessionCredentialFromConsole',
  'userIdentity.type',
  'userIdentity.principalId',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.invokedBy',
  'userIdentity.accessKeyId',
  'userIdentity.userName',
  'userIdentity.onBehalfOf.userId',
  'userIdentity.onBehalfOf.identityStoreArn',
  'userIdentity.sessionContext.attributes.mfaAuthenticated',
  'userIdentity.sessionContext.attributes.creationDate',
  'userIdentity.sessionContext.sessionIssuer.type',
  'userIdentity.sessionContext.sessionIssuer.principalId',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.sessionContext.sessionIssuer.accountId',
  'userIdentity.sessionContext.sessionIssuer.userName',
  'userIdentity.sessionContext.ec2RoleDelivery',
  'userIdentity.sessionContext.sourceIdentity',
  'userIdentity.sessionContext.webIdFederationData.federatedProvider',
  'addendum.reason',
  'addendum.updatedFields',
  'addendum.originalRequestID',
  'addendum.originalEventID',
  'tlsDetails.tlsVersion',
  'tlsDetails.cipherSuite',
  'tlsDetails.clientProvidedHostHeader'
]

/** The objects kept as JSON text, any path below which a rule may test. */
export const JSON_ROOTS: readonly string[] = [
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'serviceEventDetails'
]

/** The array of structs, and its elements' fields. */
const ARRAY_ROOT = 'resources'
const ARRAY_FIELDS: readonly string[] = ['ARN', 'accountId', 'type']

const byLowercase = <T>(entries: readonly (readonly [string, T])[]): Map<string, T> =>
  new Map(entries.map(([name, value]) => [name.toLowerCase(), value]))

const SCALARS = byLowercase(SCALAR_PATHS.map((path) => [path, path.split('.')] as const))
const JSON_COLUMNS = byLowercase(JSON_ROOTS.map((root) => [root, root] as const))
const ELEMENT_FIELDS = byLowercase(ARRAY_FIELDS.map((name) => [name, name] as const))

/**
 * A key below a JSON root must be plain text for the JSON path (`$["key"]`): no `"` or `\`, which
 * the path would have to escape, and no control character.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const JSON_KEY = /^[^"\\\u0000-\u001f]+$/

/** Why a path is not in the catalogue. */
export class UnknownField extends Error {}

/**
 * Where `path` is. The record's own fields and those of its structs are found whatever their
 * case, as Athena finds them; keys below a JSON object are case-sensitive, as `json_extract_scalar`
 * is. Throws `UnknownField` for anything else.
 */
export function resolveField(path: string): Field {
  return { path, source: sourceOf(path) }
}

function sourceOf(path: string): FieldSource {
  const scalar = SCALARS.get(path.toLowerCase())
  if (scalar !== undefined) {
    const [column, ...rest] = scalar.map((key) => key.toLowerCase()) as [string, ...string[]]
    return rest.length === 0
      ? { kind: 'column', column, keys: scalar }
      : { kind: 'struct', column, path: rest, keys: scalar }
  }
  const [root = '', ...below] = path.split('.')
  const jsonRoot = JSON_COLUMNS.get(root.toLowerCase())
  if (jsonRoot !== undefined) {
    const bad = below.find((key) => !JSON_KEY.test(key))
    if (bad !== undefined) {
      throw new UnknownField(
        `the field ${JSON.stringify(path)} has a key that is empty or holds ", \\ or a control character`
      )
    }
    return { kind: 'json', column: jsonRoot.toLowerCase(), path: below, keys: [jsonRoot, ...below] }
  }
  if (root.toLowerCase() === ARRAY_ROOT && below.length === 1) {
    const element = ELEMENT_FIELDS.get((below[0] as string).toLowerCase())
    if (element !== undefined) {
      return {
        kind: 'array',
        column: ARRAY_ROOT,
        field: element.toLowerCase(),
        keys: [ARRAY_ROOT, element]
      }
    }
  }
  throw new UnknownField(`the field ${JSON.stringify(path)} is not in the CloudTrail record`)
}
