import { describe, expect, it } from 'vitest'
import { DEFAULTS, Input, parseInputs, type Inputs } from '../src/inputs/inputs.js'

const NOW = new Date('2026-11-23T08:30:00Z')

function parse(given: Partial<Record<Input, string>>): Inputs {
  // As the runner does: every input present, with action.yml's default when not set (job-key's
  // evaluated: the job's id, outside a matrix).
  const all = {
    ...DEFAULTS,
    'job-key': 'audit',
    bucket: 'trail-logs',
    account: '111122223333',
    ...given
  }
  return parseInputs((input) => all[input], NOW)
}

function errorOf(given: Partial<Record<Input, string>>): string {
  try {
    parse(given)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the inputs to be refused')
}

describe('parseInputs', () => {
  it('applies every default', () => {
    expect(parse({})).toEqual({
      bucket: 'trail-logs',
      prefix: '',
      accounts: ['111122223333'],
      organizationId: '',
      window: { start: '2026-11-22', end: '2026-11-22' },
      regions: undefined,
      engine: 'athena',
      logsDir: '',
      dayBoundary: 'event-time',
      dedupe: true,
      database: 'default',
      table: 'cloudtrail_report',
      catalog: 'AwsDataCatalog',
      workgroup: 'primary',
      outputLocation: '',
      partitioning: 'projection',
      top: 10,
      failOn: [],
      artifactName: 'cloudtrail-report-2026-11-22-audit',
      retentionDays: undefined,
      commentOnPr: false,
      githubToken: '',
      queryTimeoutMinutes: 30,
      onBadFile: 'fail',
      permissions: undefined,
      failOnPermissions: '',
      // Yesterday's window has not been over for a day yet: no reuse, and no archive check.
      resultReuseMinutes: 0,
      checkArchived: false,
      jobKey: 'audit',
      rules: '',
      builtinRules: true,
      evidenceLimit: 100,
      suppressions: { path: '.github/cloudtrail-report.yml', explicit: false },
      today: '2026-11-23'
    })
  })

  it('takes a suppressions file, which then must exist', () => {
    expect(parse({ suppressions: ' config/expected.yml ' }).suppressions).toEqual({
      path: 'config/expected.yml',
      explicit: true
    })
  })

  it('reads lists, ranges and numbers', () => {
    const inputs = parse({
      account: ' 111122223333, 444455556666 ,111122223333,',
      regions: 'us-east-1,eu-west-3, ap-southeast-2',
      date: '2026-10-30..2026-11-02',
      prefix: '/org/trails/',
      'organization-id': 'o-abcdef1234',
      'output-location': 's3://athena-results/cloudtrail',
      top: '25',
      dedupe: 'False',
      'retention-days': '7',
      'artifact-name': 'report-{account}-{date}'
    })
    expect(inputs.accounts).toEqual(['111122223333', '444455556666'])
    expect(inputs.regions).toEqual(['us-east-1', 'eu-west-3', 'ap-southeast-2'])
    expect(inputs.window).toEqual({ start: '2026-10-30', end: '2026-11-02' })
    expect(inputs.prefix).toBe('org/trails')
    expect(inputs.organizationId).toBe('o-abcdef1234')
    expect(inputs.outputLocation).toBe('s3://athena-results/cloudtrail/')
    expect(inputs.top).toBe(25)
    expect(inputs.dedupe).toBe(false)
    expect(inputs.retentionDays).toBe(7)
    expect(inputs.artifactName).toBe('report-111122223333_444455556666-2026-10-30..2026-11-02')
  })

  it('reuses Athena results up to result-reuse-minutes only for windows over for a day', () => {
    // NOW is 2026-11-23 08:30 UTC: the 21st ended at midnight on the 22nd, more than a day ago.
    expect(parse({ date: '2026-11-21' }).resultReuseMinutes).toBe(1440)
    expect(parse({ date: '2026-11-21', 'result-reuse-minutes': '10080' }).resultReuseMinutes).toBe(
      10080
    )
    expect(parse({ date: '2026-11-21', 'result-reuse-minutes': '0' }).resultReuseMinutes).toBe(0)
    // The 22nd ended 8.5 hours ago: late deliveries may still come, so never reused.
    expect(parse({ date: '2026-11-22' }).resultReuseMinutes).toBe(0)
    expect(parse({ date: '2026-11-20..2026-11-22' }).resultReuseMinutes).toBe(0)
  })

  it("refuses a result-reuse-minutes beyond Athena's 7 days, even for a recent window", () => {
    expect(() => parse({ 'result-reuse-minutes': '10081' })).toThrow(
      `Input 'result-reuse-minutes' must be a whole number from 0 to 10080; got "10081"`
    )
  })

  it('asks for the archive check on windows that began three weeks ago or more', () => {
    expect(parse({ date: '2026-11-02' }).checkArchived).toBe(true)
    expect(parse({ date: '2026-11-03' }).checkArchived).toBe(false)
  })

  it('reads fail-on rule names and ids, levels, event names and service:event names', () => {
    expect(
      parse({
        'fail-on':
          'root-activity, high,5f1e0c3a-0000-4000-8000-000000000001, StopLogging,iam.amazonaws.com:CreateAccessKey'
      }).failOn
    ).toEqual([
      'root-activity',
      'high',
      '5f1e0c3a-0000-4000-8000-000000000001',
      'StopLogging',
      'iam.amazonaws.com:CreateAccessKey'
    ])
  })

  it('reads the rules to load, built-in rules on or off, and the evidence limit', () => {
    const inputs = parse({
      rules: 'sigma/rules/cloud/aws\n.github/rules/*.yml, extra.yml',
      'builtin-rules': 'false',
      'evidence-limit': '0'
    })
    expect(inputs.rules).toBe('sigma/rules/cloud/aws\n.github/rules/*.yml, extra.yml')
    expect(inputs.builtinRules).toBe(false)
    expect(inputs.evidenceLimit).toBe(0)
    expect(parse({ 'evidence-limit': '10000' }).evidenceLimit).toBe(10_000)
  })

  it('reads permissions: all, or principal ARNs and patterns, and the allow-list path', () => {
    expect(parse({ permissions: 'all' }).permissions).toBe('all')
    const inputs = parse({
      permissions: ' arn:aws:iam::111122223333:role/ci-deploy, *:user/* ',
      'fail-on-permissions': '.github/allowed-actions.json'
    })
    expect(inputs.permissions).toEqual(['arn:aws:iam::111122223333:role/ci-deploy', '*:user/*'])
    expect(inputs.failOnPermissions).toBe('.github/allowed-actions.json')
  })

  it('accepts a retention of up to 400 days, which GitHub caps at the repository limit', () => {
    expect(parse({ 'retention-days': '400' }).retentionDays).toBe(400)
    expect(parse({ 'retention-days': '1' }).retentionDays).toBe(1)
  })

  it('puts the job key in the artifact name, so matrix legs upload one artifact each', () => {
    expect(parse({ 'job-key': 'audit-3' }).artifactName).toBe(
      'cloudtrail-report-2026-11-22-audit-3'
    )
    expect(
      parse({ 'job-key': '444455556666', 'artifact-name': 'trail-{job}-{date}' }).artifactName
    ).toBe('trail-444455556666-2026-11-22')
  })

  it('skips the artifact when its name is set empty', () => {
    expect(parse({ 'artifact-name': '' }).artifactName).toBe('')
  })

  it('needs no bucket when the local engine reads a directory', () => {
    const inputs = parse({ bucket: '', engine: 'local', 'logs-dir': './logs' })
    expect(inputs.bucket).toBe('')
    expect(inputs.logsDir).toBe('./logs')
  })

  it.each([
    [{ bucket: '' }, "Input 'bucket' is required: the S3 bucket the trail writes to"],
    [
      { account: '' },
      "Input 'account' is required: a 12-digit AWS account id, or a comma-separated list"
    ],
    [{ account: '1234' }, `Input 'account' must be 12-digit AWS account ids; got "1234"`],
    [
      { date: '2026-02-30' },
      `Input 'date' must be a date YYYY-MM-DD or an inclusive range YYYY-MM-DD..YYYY-MM-DD; got "2026-02-30"`
    ],
    [
      { date: '2026-11-05..2026-11-01' },
      `Input 'date' must not be a reversed range; got "2026-11-05..2026-11-01"`
    ],
    [
      { date: '2026-01-01..2026-04-04' },
      `Input 'date' must not span more than 93 days; got "2026-01-01..2026-04-04"`
    ],
    [
      { date: '2026-11-24' },
      `Input 'date' must not be after today (2026-11-23, UTC); got "2026-11-24"`
    ],
    [{ top: '0' }, `Input 'top' must be a whole number from 1 to 1000; got "0"`],
    [{ top: '2.5' }, `Input 'top' must be a whole number from 1 to 1000; got "2.5"`],
    [
      { 'query-timeout-minutes': '241' },
      `Input 'query-timeout-minutes' must be a whole number from 1 to 240; got "241"`
    ],
    [
      { 'retention-days': '401' },
      `Input 'retention-days' must be a whole number from 1 to 400; got "401"`
    ],
    [{ dedupe: 'yes' }, `Input 'dedupe' must be a boolean: 'true' or 'false'; got "yes"`],
    [
      { 'job-key': 'eu west' },
      `Input 'job-key' must be up to 100 letters, digits, '.', '_' and '-'; got "eu west"`
    ],
    [{ engine: 'Athena' }, `Input 'engine' must be one of 'athena', 'local'; got "Athena"`],
    [
      { 'day-boundary': 'midnight' },
      `Input 'day-boundary' must be one of 'event-time', 'delivery'; got "midnight"`
    ],
    [
      { partitioning: 'auto' },
      `Input 'partitioning' must be one of 'projection', 'manual'; got "auto"`
    ],
    [
      { 'on-bad-file': 'ignore' },
      `Input 'on-bad-file' must be one of 'fail', 'skip'; got "ignore"`
    ],
    [
      { 'fail-on': 'iam:CreateAccessKey' },
      `Input 'fail-on' must list rule names or ids, levels such as high, event names such as StopLogging, or service:event such as iam.amazonaws.com:CreateAccessKey; got "iam:CreateAccessKey"`
    ],
    [
      { 'fail-on': 'Stop Logging' },
      `Input 'fail-on' must list rule names or ids, levels such as high, event names such as StopLogging, or service:event such as iam.amazonaws.com:CreateAccessKey; got "Stop Logging"`
    ],
    [
      { 'evidence-limit': '10001' },
      `Input 'evidence-limit' must be a whole number from 0 to 10000; got "10001"`
    ],
    [
      { 'builtin-rules': 'no' },
      `Input 'builtin-rules' must be a boolean: 'true' or 'false'; got "no"`
    ],
    [
      { rules: 'a.yml\u0000' },
      `Input 'rules' must be files, directories or globs, without NUL; got "a.yml\\u0000"`
    ],
    [
      { 'comment-on-pr': 'on' },
      `Input 'comment-on-pr' must be a boolean: 'true' or 'false'; got "on"`
    ],
    [
      { 'logs-dir': './logs' },
      "Input 'logs-dir' is only read by the local engine: set 'engine: local' to use it"
    ],
    [
      { 'artifact-name': 'report/{date}' },
      `Input 'artifact-name' must not contain any of " : < > | * ? \\ / or a line break; got "report/{date}"`
    ],
    [
      { permissions: 'ci-deploy' },
      `Input 'permissions' must be 'all', or principal ARNs or patterns with *, such as arn:aws:iam::111122223333:role/ci-deploy or *:role/ci-*; got "ci-deploy"`
    ],
    [
      { permissions: 'all,arn:aws:iam::111122223333:role/ci-deploy' },
      `Input 'permissions' must be 'all' alone, or a list without it; got "all,arn:aws:iam::111122223333:role/ci-deploy"`
    ],
    [
      { 'fail-on-permissions': 'allowed.json' },
      "Input 'fail-on-permissions' needs 'permissions' to select the principals it checks, such as 'all'"
    ],
    [
      { permissions: 'all', 'fail-on-permissions': 'allowed.json\nx' },
      `Input 'fail-on-permissions' must be a file path, without NUL or line breaks; got "allowed.json\\nx"`
    ]
  ])('refuses %j', (given, message) => {
    expect(errorOf(given)).toBe(message)
  })
})

/** Values that would change the meaning of SQL, an S3 key or a URL if they got through. */
const HOSTILE = [
  "x' OR '1'='1",
  'x"; DROP TABLE cloudtrail_report; --',
  'x\nSELECT 1',
  'x`y`',
  "x'",
  '../other',
  'x\u0000',
  'x y',
  '${account}'
]

describe('every input that reaches SQL or S3 keys refuses injection', () => {
  const rules: [Input, string][] = [
    [Input.Bucket, 'must be an S3 bucket name'],
    [Input.Prefix, "must be S3 key segments of letters, digits and !_.*()- joined by '/'"],
    [Input.Account, 'must be 12-digit AWS account ids'],
    [Input.OrganizationId, "must be an AWS Organizations id: 'o-'"],
    [Input.Regions, 'must be AWS region names such as us-east-1'],
    [Input.Database, 'must be a lowercase identifier'],
    [Input.Table, 'must be a lowercase identifier'],
    [Input.Catalog, 'must be a data catalog name'],
    [Input.Workgroup, 'must be an Athena workgroup name'],
    [Input.OutputLocation, 'must be an s3:// URL of a valid bucket'],
    [Input.Date, 'must be a date YYYY-MM-DD']
  ]
  for (const [input, rule] of rules) {
    it.each(HOSTILE)(`${input}: %j`, (value) => {
      const message = errorOf({
        [input]: input === Input.OutputLocation ? `s3://b${value}` : value
      })
      expect(message.startsWith(`Input '${input}' ${rule}`)).toBe(true)
    })
  }

  it('refuses a list with one hostile item among good ones', () => {
    expect(errorOf({ regions: "us-east-1,eu-west-1') OR (1=1" })).toBe(
      `Input 'regions' must be AWS region names such as us-east-1; got "eu-west-1') OR (1=1"`
    )
  })

  it("accepts the region names of every partition, the European Sovereign Cloud's included", () => {
    // One region of each partition of the SDK's table: aws, aws-cn, aws-us-gov, aws-iso,
    // aws-iso-b, aws-iso-e, aws-iso-f and aws-eusc.
    const regions = [
      'us-east-1',
      'ap-southeast-5',
      'mx-central-1',
      'cn-north-1',
      'us-gov-west-1',
      'us-iso-east-1',
      'us-isob-east-1',
      'eu-isoe-west-1',
      'us-isof-south-1',
      'eusc-de-east-1'
    ]
    expect(parse({ regions: regions.join(',') }).regions).toEqual(regions)
  })

  it('refuses region names outside lowercase letters, digits and single hyphens', () => {
    for (const region of [
      'US-EAST-1',
      'us_east_1',
      'useast1',
      'us--east-1',
      'us-east-',
      'us-east-100',
      'eusc-de-east-1;',
      'aws-global'
    ]) {
      expect(errorOf({ regions: region }), region).toMatch(/^Input 'regions' must be AWS region/)
    }
  })

  it('refuses S3 bucket names the naming rules forbid', () => {
    for (const bucket of [
      'ab',
      'Trail-Logs',
      'trail..logs',
      '192.168.1.1',
      'xn--trail',
      'logs-',
      'a'.repeat(64)
    ]) {
      expect(errorOf({ bucket })).toMatch(/^Input 'bucket' must be an S3 bucket name/)
    }
  })

  it('refuses dot segments in a prefix', () => {
    for (const prefix of ['a/../b', './a', 'a//b', 'a/.']) {
      expect(errorOf({ prefix })).toMatch(/^Input 'prefix' must be S3 key segments/)
    }
  })

  it('cuts a long bad value short in the message', () => {
    expect(errorOf({ table: 'T'.repeat(200) })).toBe(
      `Input 'table' must be a lowercase identifier: a letter or _, then letters, digits or _; got "${'T'.repeat(80)}…"`
    )
  })
})
