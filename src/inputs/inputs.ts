import {
  DAY_BOUNDARIES,
  DEFAULT_SUPPRESSIONS_FILE,
  DEFAULTS,
  ENGINES,
  Input,
  MAX_WINDOW_DAYS,
  ON_BAD_FILE,
  PARTITIONINGS,
  RANGES
} from './definitions.js'
import * as rule from './validation.js'
import { InputError } from './validation.js'
import {
  endedDaysAgo,
  isCalendarDate,
  startedDaysAgo,
  windowDays,
  windowLabel,
  yesterday,
  type DayBoundary,
  type Window
} from './window.js'

export { DEFAULTS, Input } from './definitions.js'

export type Engine = (typeof ENGINES)[number]
export type Partitioning = (typeof PARTITIONINGS)[number]
export type OnBadFile = (typeof ON_BAD_FILE)[number]
/** Whose permissions to report: `all` (IAM users and roles), or principal ARNs and `*` patterns. */
export type PrincipalSelection = 'all' | readonly string[]

export interface Inputs {
  readonly bucket: string
  readonly prefix: string
  readonly accounts: readonly string[]
  readonly organizationId: string
  readonly window: Window
  /** `undefined`: discover them (EC2 DescribeRegions, or the folders of `logsDir`). */
  readonly regions: readonly string[] | undefined
  readonly engine: Engine
  readonly logsDir: string
  readonly dayBoundary: DayBoundary
  readonly dedupe: boolean
  readonly database: string
  readonly table: string
  readonly catalog: string
  readonly workgroup: string
  readonly outputLocation: string
  readonly partitioning: Partitioning
  readonly top: number
  /**
   * Rule names and ids, levels, event names and `service:event` names that fail the run when they
   * occur, as written: rules are checked once loaded (`resolveFailOn`).
   */
  readonly failOn: readonly string[]
  /** The artifact name with `{date}`, `{account}` and `{job}` filled in; `''` skips the upload. */
  readonly artifactName: string
  readonly retentionDays: number | undefined
  readonly commentOnPr: boolean
  readonly githubToken: string
  readonly queryTimeoutMinutes: number
  readonly onBadFile: OnBadFile
  /** `undefined`: no permissions report. */
  readonly permissions: PrincipalSelection | undefined
  /** An IAM policy document's path, relative to the workspace; `''` when not set. */
  readonly failOnPermissions: string
  /**
   * How old an identical earlier Athena query's result may be, in minutes, to be reused instead
   * of scanning again; 0 when off, or when the window ended less than a day ago (its logs may
   * still be arriving, so an earlier answer may be short).
   */
  readonly resultReuseMinutes: number
  /**
   * Whether the Athena engine checks the window's log files for archive storage classes, which
   * Athena skips without a word: for windows that began three weeks or more ago, when lifecycle
   * rules may have moved their files. The local engine always meets them, file by file.
   */
  readonly checkArchived: boolean
  /** This job (and matrix leg) among the run's: in the artifact name and the comment's key. */
  readonly jobKey: string
  /** The `rules` input: files, directories and globs, newline- or comma-separated; `''` for none. */
  readonly rules: string
  readonly builtinRules: boolean
  /** Evidence kept per rule: its earliest findings, listed in full. */
  readonly evidenceLimit: number
  /**
   * The suppressions file, relative to the workspace: the input's, which must exist, or the
   * default one, read when it exists.
   */
  readonly suppressions: { readonly path: string; readonly explicit: boolean }
  /** The run's UTC date, `YYYY-MM-DD`: a suppression past its `expires` day no longer holds. */
  readonly today: string
}

/** Windows that began this many days ago or more have their storage classes checked (Athena). */
export const ARCHIVE_CHECK_AFTER_DAYS = 21

/**
 * Validates every input, in one pass, before anything touches AWS.
 * `read` returns an input's raw text ('' when not given); `now` fixes "yesterday".
 */
export function parseInputs(read: (input: Input) => string, now: Date): Inputs {
  const value = (input: Input): string => {
    const text = read(input).trim()
    return text === '' ? DEFAULTS[input] : text
  }

  const engine = rule.oneOf(Input.Engine, value(Input.Engine), ENGINES)
  const logsDir = value(Input.LogsDir)
  if (logsDir !== '' && engine !== 'local') {
    throw new InputError(
      Input.LogsDir,
      "is only read by the local engine: set 'engine: local' to use it"
    )
  }
  const bucketText = value(Input.Bucket)
  const bucket =
    bucketText === '' && logsDir !== ''
      ? ''
      : bucketText === ''
        ? missing(Input.Bucket, 'the S3 bucket the trail writes to')
        : rule.bucket(Input.Bucket, bucketText)
  const accounts = rule.accounts(Input.Account, value(Input.Account))
  const window = parseWindow(value(Input.Date), now)
  const permissions = rule.principals(Input.Permissions, value(Input.Permissions))
  const failOnPermissions = rule.filePath(Input.FailOnPermissions, value(Input.FailOnPermissions))
  if (failOnPermissions !== '' && permissions === undefined) {
    throw new InputError(
      Input.FailOnPermissions,
      "needs 'permissions' to select the principals it checks, such as 'all'"
    )
  }
  const resultReuseMinutes = rule.wholeNumber(
    Input.ResultReuseMinutes,
    value(Input.ResultReuseMinutes),
    ...RANGES[Input.ResultReuseMinutes]
  )
  const jobKey = rule.jobKey(Input.JobKey, value(Input.JobKey))
  const suppressionsFile = rule.filePath(Input.Suppressions, value(Input.Suppressions))

  return {
    bucket,
    prefix: rule.prefix(Input.Prefix, value(Input.Prefix)),
    accounts,
    organizationId: rule.organizationId(Input.OrganizationId, value(Input.OrganizationId)),
    window,
    regions: rule.regions(Input.Regions, value(Input.Regions)),
    engine,
    logsDir,
    dayBoundary: rule.oneOf(Input.DayBoundary, value(Input.DayBoundary), DAY_BOUNDARIES),
    dedupe: rule.boolean(Input.Dedupe, value(Input.Dedupe)),
    database: rule.identifier(Input.Database, value(Input.Database)),
    table: rule.identifier(Input.Table, value(Input.Table)),
    catalog: rule.catalog(Input.Catalog, value(Input.Catalog)),
    workgroup: rule.workgroup(Input.Workgroup, value(Input.Workgroup)),
    outputLocation: rule.s3Location(Input.OutputLocation, value(Input.OutputLocation)),
    partitioning: rule.oneOf(Input.Partitioning, value(Input.Partitioning), PARTITIONINGS),
    top: rule.wholeNumber(Input.Top, value(Input.Top), ...RANGES[Input.Top]),
    failOn: rule.failOn(Input.FailOn, value(Input.FailOn)),
    artifactName: artifactName(read(Input.ArtifactName), window, accounts, jobKey),
    retentionDays:
      value(Input.RetentionDays) === ''
        ? undefined
        : rule.wholeNumber(
            Input.RetentionDays,
            value(Input.RetentionDays),
            ...RANGES[Input.RetentionDays]
          ),
    commentOnPr: rule.boolean(Input.CommentOnPr, value(Input.CommentOnPr)),
    githubToken: read(Input.GithubToken).trim(),
    queryTimeoutMinutes: rule.wholeNumber(
      Input.QueryTimeoutMinutes,
      value(Input.QueryTimeoutMinutes),
      ...RANGES[Input.QueryTimeoutMinutes]
    ),
    onBadFile: rule.oneOf(Input.OnBadFile, value(Input.OnBadFile), ON_BAD_FILE),
    permissions,
    failOnPermissions,
    resultReuseMinutes: endedDaysAgo(window, now, 1) ? resultReuseMinutes : 0,
    checkArchived: startedDaysAgo(window, now, ARCHIVE_CHECK_AFTER_DAYS),
    jobKey,
    rules: rule.ruleList(Input.Rules, value(Input.Rules)),
    builtinRules: rule.boolean(Input.BuiltinRules, value(Input.BuiltinRules)),
    evidenceLimit: rule.wholeNumber(
      Input.EvidenceLimit,
      value(Input.EvidenceLimit),
      ...RANGES[Input.EvidenceLimit]
    ),
    suppressions:
      suppressionsFile === ''
        ? { path: DEFAULT_SUPPRESSIONS_FILE, explicit: false }
        : { path: suppressionsFile, explicit: true },
    today: now.toISOString().slice(0, 10)
  }
}

function missing(input: Input, what: string): never {
  throw new InputError(input, `is required: ${what}`)
}

/** `''` (yesterday, UTC), `YYYY-MM-DD`, or an inclusive range `YYYY-MM-DD..YYYY-MM-DD`. */
export function parseWindow(text: string, now: Date): Window {
  if (text === '') {
    const day = yesterday(now)
    return { start: day, end: day }
  }
  const [start = '', end = start, ...rest] = text.split('..')
  const rangeRule = 'must be a date YYYY-MM-DD or an inclusive range YYYY-MM-DD..YYYY-MM-DD'
  if (rest.length > 0 || !isCalendarDate(start) || !isCalendarDate(end)) {
    throw new InputError(Input.Date, rangeRule, text)
  }
  if (end < start) throw new InputError(Input.Date, 'must not be a reversed range', text)
  const today = now.toISOString().slice(0, 10)
  if (end > today) throw new InputError(Input.Date, `must not be after today (${today}, UTC)`, text)
  const window = { start, end }
  if (windowDays(window).length > MAX_WINDOW_DAYS) {
    throw new InputError(Input.Date, `must not span more than ${MAX_WINDOW_DAYS} days`, text)
  }
  return window
}

/**
 * Fills `{date}`, `{account}` and `{job}` in. An input set to `''` skips the upload, so here (alone
 * among the inputs) empty is not replaced by the default; the characters refused are those the
 * artifact service refuses.
 */
function artifactName(
  raw: string,
  window: Window,
  accounts: readonly string[],
  jobKey: string
): string {
  const name = raw
    .trim()
    .replaceAll('{date}', windowLabel(window))
    .replaceAll('{account}', accounts.join('_'))
    .replaceAll('{job}', jobKey)
  if (/[":<>|*?\r\n\\/]/.test(name)) {
    throw new InputError(
      Input.ArtifactName,
      'must not contain any of " : < > | * ? \\ / or a line break',
      raw
    )
  }
  return name
}
