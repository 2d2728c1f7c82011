/**
 * The rules every input must pass. Values that reach SQL or S3 keys are checked here against
 * strict patterns, so that nothing downstream ever needs to escape them.
 */

/** A bad input: the message names the input and the rule it broke. */
export class InputError extends Error {
  /** The rule, and the value when there is one: what follows the input's name. */
  readonly detail: string

  constructor(
    readonly input: string,
    rule: string,
    value?: string
  ) {
    const detail = `${rule}${value === undefined ? '' : `; got ${quote(value)}`}`
    super(`Input '${input}' ${detail}`)
    this.name = 'InputError'
    this.detail = detail
  }
}

/** The value as the user wrote it, made safe to print: JSON-quoted and cut short. */
function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value
  return JSON.stringify(shown)
}

export const ACCOUNT = /^\d{12}$/
/**
 * A region of any partition: the SDK's partition table matches `(us|eu|ap|…)-\w+-\d+` (aws),
 * `cn-…` (aws-cn), `us-gov-…`, `us-iso-…`, `us-isob-…`, `eu-isoe-…`, `us-isof-…` and `eusc-de-…`
 * (the European Sovereign Cloud). This accepts all of them and new geographies alike, but only
 * lowercase letters, digits and single hyphens, so a region is safe in SQL text and S3 keys.
 * https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json
 */
export const REGION = /^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/
export const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

function isKeySegment(segment: string): boolean {
  return /^[A-Za-z0-9!_.*()-]+$/.test(segment) && segment !== '.' && segment !== '..'
}

/**
 * S3 general purpose bucket naming rules:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function isBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  )
}

export function bucket(input: string, value: string): string {
  if (!isBucketName(value)) {
    throw new InputError(
      input,
      'must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)',
      value
    )
  }
  return value
}

/** A trail prefix; one leading or trailing `/` is forgiven, because people copy keys with them. */
export function prefix(input: string, value: string): string {
  const trimmed = value.replace(/^\//, '').replace(/\/$/, '')
  if (trimmed === '') return ''
  if (!trimmed.split('/').every(isKeySegment)) {
    throw new InputError(
      input,
      "must be S3 key segments of letters, digits and !_.*()- joined by '/', with no empty, '.' or '..' segment",
      value
    )
  }
  return trimmed
}

/** A comma-separated list: items trimmed, empty items dropped, duplicates removed, order kept. */
export function list(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return [...new Set(items)]
}

export function accounts(input: string, value: string): string[] {
  const items = list(value)
  if (items.length === 0) {
    throw new InputError(input, 'is required: a 12-digit AWS account id, or a comma-separated list')
  }
  for (const item of items) {
    if (!ACCOUNT.test(item)) throw new InputError(input, 'must be 12-digit AWS account ids', item)
  }
  return items
}

export function regions(input: string, value: string): string[] | undefined {
  const items = list(value)
  if (items.length === 0) return undefined
  for (const item of items) {
    if (!REGION.test(item)) {
      throw new InputError(input, 'must be AWS region names such as us-east-1', item)
    }
  }
  return items
}

export function organizationId(input: string, value: string): string {
  if (value !== '' && !ORGANIZATION_ID.test(value)) {
    throw new InputError(
      input,
      "must be an AWS Organizations id: 'o-' and 10 to 32 lowercase letters or digits",
      value
    )
  }
  return value
}

export function identifier(input: string, value: string): string {
  if (!IDENTIFIER.test(value)) {
    throw new InputError(
      input,
      'must be a lowercase identifier: a letter or _, then letters, digits or _',
      value
    )
  }
  return value
}

/** An Athena data catalog name, which (unlike databases) is commonly mixed case: `AwsDataCatalog`. */
export function catalog(input: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/.test(value)) {
    throw new InputError(input, 'must be a data catalog name: letters, digits, _ and -', value)
  }
  return value
}

export function workgroup(input: string, value: string): string {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(value)) {
    throw new InputError(
      input,
      'must be an Athena workgroup name: 1-128 letters, digits, . _ and -',
      value
    )
  }
  return value
}

/** An `s3://bucket/path/` URL for Athena results, returned with a trailing `/`. */
export function s3Location(input: string, value: string): string {
  if (value === '') return ''
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(value)
  const bucketName = match?.[1] ?? ''
  const path = (match?.[2] ?? '').replace(/\/$/, '')
  if (
    !match ||
    !isBucketName(bucketName) ||
    (path !== '' && !path.split('/').every(isKeySegment))
  ) {
    throw new InputError(
      input,
      'must be an s3:// URL of a valid bucket, such as s3://my-athena-results/cloudtrail/',
      value
    )
  }
  return `s3://${bucketName}/${path === '' ? '' : `${path}/`}`
}

/**
 * A job key goes into an artifact name and a comment's hidden marker: letters, digits, `.`, `_`
 * and `-`, as job ids and most matrix values are. Empty outside a workflow (the CLI).
 */
export function jobKey(input: string, value: string): string {
  if (!/^[A-Za-z0-9._-]{0,100}$/.test(value)) {
    throw new InputError(input, "must be up to 100 letters, digits, '.', '_' and '-'", value)
  }
  return value
}

export function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(
      input,
      `must be one of ${allowed.map((item) => `'${item}'`).join(', ')}`,
      value
    )
  }
  return value as T
}

/** YAML 1.2 core schema booleans, as `core.getBooleanInput` accepts them. */
export function boolean(input: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, "must be a boolean: 'true' or 'false'", value)
}

export function wholeNumber(input: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(input, `must be a whole number from ${min} to ${max}`, value)
  }
  return Number(value)
}

const EVENT_NAME = /^[A-Z][A-Za-z0-9_]{1,127}$/
const SOURCE_AND_EVENT = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com:[A-Z][A-Za-z0-9_]{1,127}$/

/**
 * `fail-on` items, as written: rule names or ids, levels, event names (`StopLogging`) or a service
 * and an event name (`iam.amazonaws.com:CreateAccessKey`). Which rules exist is known only once
 * they are loaded (`resolveFailOn`); here an item must at least be one word, and one with a `:`
 * must be a service:event.
 */
export function failOn(input: string, value: string): string[] {
  const items = list(value)
  for (const item of items) {
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    const word = !/[\s\u0000-\u001f\u007f]/.test(item)
    if (!word || (item.includes(':') && !SOURCE_AND_EVENT.test(item))) {
      throw new InputError(
        input,
        'must list rule names or ids, levels such as high, event names such as StopLogging, or service:event such as iam.amazonaws.com:CreateAccessKey',
        item
      )
    }
  }
  return items
}

/** Whether a `fail-on` item names an event: `StopLogging`, or `iam.amazonaws.com:CreateAccessKey`. */
export function isEventItem(item: string): boolean {
  return EVENT_NAME.test(item) || SOURCE_AND_EVENT.test(item)
}

/**
 * `permissions`: `''` (off), `all`, or principal ARNs and patterns with `*`. An item that is
 * neither an ARN nor a pattern (`ci-deploy`) would select nothing, so it is refused as a mistake.
 */
export function principals(input: string, value: string): 'all' | string[] | undefined {
  const items = list(value)
  if (items.length === 0) return undefined
  if (items.includes('all')) {
    if (items.length > 1)
      throw new InputError(input, "must be 'all' alone, or a list without it", value)
    return 'all'
  }
  for (const item of items) {
    if (/\s/.test(item) || (!item.startsWith('arn:') && !item.includes('*'))) {
      throw new InputError(
        input,
        "must be 'all', or principal ARNs or patterns with *, such as arn:aws:iam::111122223333:role/ci-deploy or *:role/ci-*",
        item
      )
    }
  }
  return items
}

/** A path to a file in the workspace; read later, before any AWS call. */
export function filePath(input: string, value: string): string {
  if (/[\0\r\n]/.test(value)) {
    throw new InputError(input, 'must be a file path, without NUL or line breaks', value)
  }
  return value
}

/** Paths and globs, newline- or comma-separated, relative to the workspace; read before any AWS call. */
export function ruleList(input: string, value: string): string {
  if (value.includes('\0')) {
    throw new InputError(input, 'must be files, directories or globs, without NUL', value)
  }
  return value
}
