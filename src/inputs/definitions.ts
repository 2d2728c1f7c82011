/**
 * Every input, defined once: what it does, the values it takes and its default. `action.yml`
 * declares the same, word for word (a test compares them), and the CLI's `--help` prints them, so
 * the action's documentation, the CLI's and the validation cannot drift apart.
 */

/** The action's inputs, named as in `action.yml`; the CLI's options are the same names. */
export enum Input {
  Bucket = 'bucket',
  Prefix = 'prefix',
  Account = 'account',
  OrganizationId = 'organization-id',
  Date = 'date',
  Regions = 'regions',
  Engine = 'engine',
  LogsDir = 'logs-dir',
  DayBoundary = 'day-boundary',
  Dedupe = 'dedupe',
  Database = 'database',
  Table = 'table',
  Catalog = 'catalog',
  Workgroup = 'workgroup',
  OutputLocation = 'output-location',
  Partitioning = 'partitioning',
  Top = 'top',
  FailOn = 'fail-on',
  ArtifactName = 'artifact-name',
  RetentionDays = 'retention-days',
  CommentOnPr = 'comment-on-pr',
  GithubToken = 'github-token',
  QueryTimeoutMinutes = 'query-timeout-minutes',
  OnBadFile = 'on-bad-file',
  Permissions = 'permissions',
  FailOnPermissions = 'fail-on-permissions',
  ResultReuseMinutes = 'result-reuse-minutes',
  JobKey = 'job-key',
  Rules = 'rules',
  BuiltinRules = 'builtin-rules',
  EvidenceLimit = 'evidence-limit',
  Suppressions = 'suppressions'
}

export const ENGINES = ['athena', 'local'] as const
export const DAY_BOUNDARIES = ['event-time', 'delivery'] as const
export const PARTITIONINGS = ['projection', 'manual'] as const
export const ON_BAD_FILE = ['fail', 'skip'] as const

/** The suppressions file read when the `suppressions` input is not given, if it exists. */
export const DEFAULT_SUPPRESSIONS_FILE = '.github/cloudtrail-report.yml'

/** The longest window accepted: a quarter, which keeps a mistaken range from scanning years. */
export const MAX_WINDOW_DAYS = 93

/** The whole-number inputs, each with its smallest and largest value. */
export const RANGES = {
  [Input.Top]: [1, 1000],
  // Private repositories may keep artifacts up to 400 days; GitHub caps a longer retention at the
  // repository's or organization's limit.
  [Input.RetentionDays]: [1, 400],
  [Input.QueryTimeoutMinutes]: [1, 240],
  // The longest age Athena accepts for a reused result: 7 days.
  // https://docs.aws.amazon.com/athena/latest/APIReference/API_ResultReuseByAgeConfiguration.html
  [Input.ResultReuseMinutes]: [0, 10_080],
  // Athena's `min_by(x, y, n)`, which keeps the evidence, takes n up to 10,000.
  [Input.EvidenceLimit]: [0, 10_000]
} as const satisfies Partial<Record<Input, readonly [number, number]>>

export interface InputDefinition {
  /** What the input does: action.yml's `description`, and the CLI's help for the option. */
  readonly description: string
  /** The values it takes, as the CLI's help shows them after the option: `athena|local`, `1-1000`. */
  readonly values: string
  /** Its value when not given, in the CLI and (unless `actionDefault`) in action.yml. */
  readonly default: string
  /** action.yml's default when the runner computes it: an expression such as `${{ github.token }}`. */
  readonly actionDefault?: string
  readonly required?: true
}

const oneOf = (values: readonly string[]): string => values.join('|')
const range = (input: keyof typeof RANGES): string => RANGES[input].join('-')

export const INPUTS: Readonly<Record<Input, InputDefinition>> = {
  [Input.Bucket]: {
    description: 'CloudTrail S3 bucket name. Not needed with `engine: local` and `logs-dir`.',
    values: 'NAME',
    default: ''
  },
  [Input.Prefix]: {
    description:
      "The trail's S3 key prefix, the part before `AWSLogs/`; empty when the trail has none.",
    values: 'PREFIX',
    default: ''
  },
  [Input.Account]: {
    description: '12-digit AWS account id whose logs to report on, or a comma-separated list.',
    values: 'ID[,ID...]',
    default: '',
    required: true
  },
  [Input.OrganizationId]: {
    description: 'For an organization trail, the `o-…` id in its keys (`AWSLogs/o-…/ACCOUNT/…`).',
    values: 'o-ID',
    default: ''
  },
  [Input.Date]: {
    description: `UTC day to report on, \`YYYY-MM-DD\`, or an inclusive range \`YYYY-MM-DD..YYYY-MM-DD\` (${MAX_WINDOW_DAYS} days at most). Empty: yesterday.`,
    values: 'YYYY-MM-DD[..YYYY-MM-DD]',
    default: ''
  },
  [Input.Regions]: {
    description:
      'Comma-separated region names. Empty: every region of the partition (EC2 DescribeRegions) that has a log folder in the bucket for the accounts, opt-in regions included.',
    values: 'REGION[,REGION...]',
    default: ''
  },
  [Input.Engine]: {
    description:
      '`athena` runs one query in your account; `local` reads the log files itself, from the bucket or from `logs-dir`.',
    values: oneOf(ENGINES),
    default: 'athena'
  },
  [Input.LogsDir]: {
    description: 'With `engine: local`, a directory laid out like the bucket, read instead of S3.',
    values: 'DIR',
    default: ''
  },
  [Input.DayBoundary]: {
    description:
      "`event-time` counts events whose eventTime falls in the UTC window (reading the next day's folder too, since folders are dated by delivery); `delivery` counts the window's folders only, as the classic recipe does.",
    values: oneOf(DAY_BOUNDARIES),
    default: 'event-time'
  },
  [Input.Dedupe]: {
    description: 'Count each eventID once; CloudTrail can deliver an event twice.',
    values: 'true|false',
    default: 'true'
  },
  [Input.Database]: {
    description: 'Athena (Glue) database of the table.',
    values: 'NAME',
    default: 'default'
  },
  [Input.Table]: {
    description: 'Athena table over the trail; created when absent.',
    values: 'NAME',
    default: 'cloudtrail_report'
  },
  [Input.Catalog]: {
    description: 'Athena data catalog.',
    values: 'NAME',
    default: 'AwsDataCatalog'
  },
  [Input.Workgroup]: {
    description: 'Athena workgroup.',
    values: 'NAME',
    default: 'primary'
  },
  [Input.OutputLocation]: {
    description:
      '`s3://…` for Athena query results. May be empty when the workgroup sets, enforces or manages the result location.',
    values: 's3://BUCKET/PATH/',
    default: ''
  },
  [Input.Partitioning]: {
    description:
      '`projection`: partition projection, nothing to maintain. `manual`: classic partitions, added with ALTER TABLE ADD PARTITION for the days of the window.',
    values: oneOf(PARTITIONINGS),
    default: 'projection'
  },
  [Input.Top]: {
    description: `Rows per table in the job summary, rules with a block of findings and findings per block; the findings table lists every rule that matched (${range(Input.Top)}).`,
    values: range(Input.Top),
    default: '10'
  },
  [Input.FailOn]: {
    description:
      'Comma-separated rule names or ids (`cloudtrail-changes`), levels (`high` means high or critical; `critical`, `medium`, `low`, `informational`), event names (`StopLogging`) or service:event names (`iam.amazonaws.com:CreateAccessKey`). The step fails, after writing every report, if any rule named or of that level found something, or any event named occurred, in the window.',
    values: 'ITEM[,ITEM...]',
    default: ''
  },
  [Input.ArtifactName]: {
    description:
      'Name of the artifact holding the report files; `{date}`, `{account}` and `{job}` are replaced by the window, the account(s) and `job-key`. Artifact names are unique in a workflow run: keep `{job}` when several jobs or matrix legs upload. Empty: no upload.',
    values: 'NAME',
    default: 'cloudtrail-report-{date}-{job}'
  },
  [Input.RetentionDays]: {
    description: `Days to keep the artifact (${range(Input.RetentionDays)}); GitHub keeps it no longer than the repository or organization allows. Empty: the repository's default.`,
    values: range(Input.RetentionDays),
    default: ''
  },
  [Input.CommentOnPr]: {
    description:
      'On a pull request, post the summary as one comment, updated in place on later runs. Needs `pull-requests: write`.',
    values: 'true|false',
    default: 'false'
  },
  [Input.GithubToken]: {
    description: 'Token for the pull request comment.',
    values: 'TOKEN',
    default: '',
    actionDefault: '${{ github.token }}'
  },
  [Input.QueryTimeoutMinutes]: {
    description: `Stop the Athena query (StopQueryExecution) and fail after this many minutes (${range(Input.QueryTimeoutMinutes)}).`,
    values: range(Input.QueryTimeoutMinutes),
    default: '30'
  },
  [Input.OnBadFile]: {
    description:
      'Local engine: `fail` on a log file that cannot be read, or `skip` it and list it in the summary.',
    values: oneOf(ON_BAD_FILE),
    default: 'fail'
  },
  [Input.Permissions]: {
    description:
      '`all` (every IAM user and role), or comma-separated principal ARNs or patterns with `*` (`*:role/ci-*`): write the IAM actions each used (`permissions.csv`) and a least-privilege policy for each (`policies/*.json`). Empty: off.',
    values: 'all|ARN[,ARN...]',
    default: ''
  },
  [Input.FailOnPermissions]: {
    description:
      'Path (relative to the workspace) of an IAM policy document used as an allow-list: the step fails, after writing every report, if a selected principal used an action it does not allow. Needs `permissions`.',
    values: 'FILE',
    default: ''
  },
  [Input.ResultReuseMinutes]: {
    description: `Athena: reuse the result of an identical query run within this many minutes (${range(Input.ResultReuseMinutes)}, the most Athena allows) instead of scanning again, for windows that ended more than a day ago. \`0\` turns it off.`,
    values: range(Input.ResultReuseMinutes),
    default: '1440'
  },
  [Input.JobKey]: {
    description:
      "Tells this job, and in a matrix this leg, from the other jobs of the workflow run: it replaces `{job}` in `artifact-name` and keys the pull request comment, one per job and leg. Default: the job's id, and in a matrix the leg's index (`audit-2`); set it to a steadier value, such as the leg's account, when the matrix may change.",
    values: 'KEY',
    default: '',
    // The runner evaluates an input's default with the `github`, `strategy` and `matrix` contexts;
    // the job id alone is the same for every leg of a matrix.
    actionDefault:
      "${{ github.job }}${{ strategy.job-total > 1 && format('-{0}', strategy.job-index) || '' }}"
  },
  [Input.Rules]: {
    description:
      "Sigma rule files, directories or globs of `.yml`/`.yaml` files (relative to the workspace; newline- or comma-separated) to run besides the built-in rules, such as a checkout of SigmaHQ's `rules/cloud/aws`. Only rules for AWS CloudTrail run; a rule the action cannot run is listed in the summary.",
    values: 'PATH[,PATH...]',
    default: ''
  },
  [Input.BuiltinRules]: {
    description: "Run the action's own detection rules (Sigma files in its `rules` folder).",
    values: 'true|false',
    default: 'true'
  },
  [Input.EvidenceLimit]: {
    description: `Findings listed per rule in \`findings.csv\` and \`findings.json\`, earliest first (${range(Input.EvidenceLimit)}); the counts in \`rules.csv\` and the summary stay exact. \`0\` lists none.`,
    values: range(Input.EvidenceLimit),
    default: '100'
  },
  [Input.Suppressions]: {
    description: `Path (relative to the workspace) of a suppressions file: per rule, the findings that are expected (by principal, actor, account, source IP or user agent), each with a reason and an optional expiry. They are written to \`suppressed.csv\`, counted in the summary and left out of \`fail-on\`. Empty: \`${DEFAULT_SUPPRESSIONS_FILE}\` when it exists.`,
    values: 'FILE',
    default: ''
  }
}

/** Each input's value when it is not given. */
export const DEFAULTS = Object.fromEntries(
  Object.values(Input).map((input) => [input, INPUTS[input].default])
) as Readonly<Record<Input, string>>
