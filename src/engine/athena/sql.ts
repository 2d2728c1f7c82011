/**
 * Every SQL text the action sends to Athena is built here, from validated values only: identifiers
 * pass `identifier()`, values pass `literal()`, both of which refuse what they cannot render safely
 * even though the inputs were checked against strict patterns before (defence in depth).
 */
import { AGGREGATE_KEY_COLUMNS, REQUEST_PARAMETERS_LIMIT } from '../aggregate.js'
import { rulesColumnSql } from './rules-sql.js'
import { formatCount } from '../../format.js'
import { dayFolderKey, logsRootKey, s3Url, type Layout } from '../../plan/layout.js'
import type { AthenaSettings, TableRef } from '../../plan/plan.js'
import { Input } from '../../inputs/definitions.js'
import { IDENTIFIER, InputError } from '../../inputs/validation.js'

/**
 * The longest query text Athena accepts, in bytes.
 * https://docs.aws.amazon.com/athena/latest/ug/service-limits.html
 */
export const QUERY_MAX_BYTES = 262_144

/** Set on every table this action creates: it alters no table that lacks it. */
export const MANAGED_PROPERTY = 'cloudtrail-athena-report.managed'

/**
 * The version of the table's columns and partitioning, set on every table this action creates.
 * Change it whenever `COLUMNS` or the partition columns change: a run then refuses a table made by
 * another version (whose columns the query may not find) instead of failing halfway or, worse,
 * reading a field as NULL.
 */
export const SCHEMA_VERSION_PROPERTY = 'cloudtrail-athena-report.schema-version'
export const SCHEMA_VERSION = '1'

/**
 * The first day a date projection may produce. CloudTrail started in November 2013, so no trail
 * has an older folder; a fixed start keeps the table valid for any window without DDL.
 */
const PROJECTION_START = '2013/11/01'

/**
 * The CloudTrail record as AWS documents it for Athena (nested objects whose shape varies by
 * service, such as `requestParameters`, stay JSON strings), plus `sessioncontext.sourceidentity`,
 * which the record has and AWS's table lacks (the source identity of a role session).
 * https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
export const COLUMNS = `  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<
      userid: STRING,
      identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<
        mfaauthenticated: STRING,
        creationdate: STRING>,
      sessionissuer: STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        username: STRING>,
      ec2roledelivery: STRING,
      sourceidentity: STRING,
      webidfederationdata: STRUCT<
        federatedprovider: STRING,
        attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<
    arn: STRING,
    accountid: STRING,
    type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<
    reason: STRING,
    updatedfields: STRING,
    originalrequestid: STRING,
    originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<
    tlsversion: STRING,
    ciphersuite: STRING,
    clientprovidedhostheader: STRING>`

/**
 * Who acted: the role behind an assumed-role session (its session name varies per session, the
 * role does not), else the identity's ARN, else the AWS service that acted, else the identity's
 * user name (an identity without an ARN, such as an Identity Center user), else the account.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
const PRINCIPAL = `coalesce(
      CASE WHEN useridentity.type = 'AssumedRole' THEN nullif(useridentity.sessioncontext.sessionissuer.arn, '') END,
      nullif(useridentity.arn, ''),
      nullif(useridentity.invokedby, ''),
      nullif(useridentity.username, ''),
      nullif(useridentity.accountid, ''),
      ''
    )`

/**
 * The person or session behind the principal: the source identity a session was started with,
 * else an assumed role's session name (the ARN's last segment: often a person's e-mail, or an
 * instance id), else the user name, else the Identity Center user, else the service that acted.
 * `\z`, not `$`, ends the ARN: Trino's `$` also matches before a line break, RE2's does not.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
 */
const ACTOR = `coalesce(
      nullif(useridentity.sessioncontext.sourceidentity, ''),
      CASE WHEN useridentity.type = 'AssumedRole' THEN nullif(regexp_extract(useridentity.arn, '/([^/]*)\\z', 1), '') END,
      nullif(useridentity.username, ''),
      nullif(useridentity.onbehalfof.userid, ''),
      nullif(useridentity.invokedby, ''),
      ''
    )`

/**
 * One event's evidence, for events that matched a rule: the `EVIDENCE_FIELDS`, in their order, as
 * an array of text, so that arrays compare as the tuples do (element by element, text by code
 * point, as Trino orders varchar). NULL for other events, which `min_by` skips.
 */
const EVIDENCE = `CASE WHEN rules <> '' THEN ARRAY[
        coalesce(eventtime, ''),
        coalesce(eventid, ''),
        coalesce(sourceipaddress, ''),
        coalesce(useragent, ''),
        coalesce(array_join(transform(resources, r -> r.arn), ' '), ''),
        coalesce(substr(requestparameters, 1, ${REQUEST_PARAMETERS_LIMIT}), '')
      ] END`

/** A string literal. Refuses `'`, and `\`, which Hive DDL treats as an escape. */
export function literal(value: string): string {
  if (/['\\]/.test(value)) throw new Error(`Refusing to put ${JSON.stringify(value)} in SQL text`)
  return `'${value}'`
}

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Refusing ${JSON.stringify(name)} as a SQL name`)
  return name
}

/** `database`.`table` as Hive DDL quotes names. */
function ddlName(table: TableRef): string {
  return `\`${identifier(table.database)}\`.\`${identifier(table.table)}\``
}

/** "database"."table" as Trino (Athena's query engine) quotes names. */
function queryName(table: TableRef): string {
  return `"${identifier(table.database)}"."${identifier(table.table)}"`
}

/** `YYYY-MM-DD` as the `timestamp` partition writes it: the day folder, `YYYY/MM/DD`. */
function folderDate(day: string): string {
  return day.replaceAll('-', '/')
}

function properties(entries: Readonly<Record<string, string>>): string {
  const lines = Object.entries(entries).map(
    ([key, value]) => `  ${literal(key)} = ${literal(value)}`
  )
  return `(\n${lines.join(',\n')}\n)`
}

/** Where partition projection finds the files of one account, region and day. */
export function locationTemplate(layout: Layout): string {
  return s3Url(
    layout.bucket,
    `${logsRootKey(layout)}\${account}/CloudTrail/\${region}/\${timestamp}`
  )
}

/**
 * The table properties of partition projection. `account` and `region` are `injected`: Athena
 * takes their values from the query's WHERE clause (`aggregationQuery` always gives them, as IN
 * lists of literals), so the properties name no account or region. A run for a new account or
 * region needs no DDL, and runs started together (a matrix over accounts) never write the table
 * with different values, where the last write would win and the other run's values, absent from
 * an enum, would read as zero rows without an error.
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 */
export function projectionProperties(layout: Layout): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.account.type': 'injected',
    'projection.region.type': 'injected',
    'projection.timestamp.type': 'date',
    'projection.timestamp.format': 'yyyy/MM/dd',
    'projection.timestamp.range': `${PROJECTION_START},NOW`,
    'projection.timestamp.interval': '1',
    'projection.timestamp.interval.unit': 'DAYS',
    'storage.location.template': locationTemplate(layout)
  }
}

/**
 * The table over the trail's logs, partitioned like its folders. With projection, Athena computes
 * the partitions from the table properties; with manual partitioning they are added one by one.
 */
export function createTableStatement(plan: AthenaSettings): string {
  const tableProperties = {
    [MANAGED_PROPERTY]: 'true',
    [SCHEMA_VERSION_PROPERTY]: SCHEMA_VERSION,
    ...(plan.partitioning === 'projection' ? projectionProperties(plan.layout) : {})
  }
  // Always IF NOT EXISTS: runs started together all find the table absent, and all but the first
  // CREATE would fail. The caller reads the table again afterwards to check it is one of ours.
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${ddlName(plan.table)} (`,
    COLUMNS,
    ')',
    'PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)',
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION ${literal(s3Url(plan.layout.bucket, logsRootKey(plan.layout)))}`,
    `TBLPROPERTIES ${properties(tableProperties)}`
  ].join('\n')
}

/**
 * The table's properties as a query: the way to read them that needs only `glue:GetTable`, when
 * `athena:GetTableMetadata` is not allowed. https://docs.aws.amazon.com/athena/latest/ug/show-tblproperties.html
 */
export function showTablePropertiesStatement(table: TableRef): string {
  return `SHOW TBLPROPERTIES ${ddlName(table)}`
}

export function setTablePropertiesStatement(
  table: TableRef,
  tableProperties: Readonly<Record<string, string>>
): string {
  return `ALTER TABLE ${ddlName(table)} SET TBLPROPERTIES ${properties(tableProperties)}`
}

/**
 * `ALTER TABLE ADD IF NOT EXISTS PARTITION` for every account, region and folder day of the plan,
 * packed into as few statements as the query size limit allows.
 */
export function addPartitionsStatements(plan: AthenaSettings): string[] {
  const head = `ALTER TABLE ${ddlName(plan.table)} ADD IF NOT EXISTS`
  const headBytes = Buffer.byteLength(head)
  const statements: string[] = []
  let partitions: string[] = []
  let bytes = headBytes
  for (const account of plan.accounts) {
    for (const region of plan.regions) {
      for (const day of plan.folderDays) {
        const location = s3Url(plan.layout.bucket, dayFolderKey(plan.layout, account, region, day))
        const partition =
          `\n  PARTITION (account = ${literal(account)}, region = ${literal(region)}, ` +
          `\`timestamp\` = ${literal(folderDate(day))}) LOCATION ${literal(location)}`
        const partitionBytes = Buffer.byteLength(partition)
        if (partitions.length > 0 && bytes + partitionBytes > QUERY_MAX_BYTES) {
          statements.push(head + partitions.join(''))
          partitions = []
          bytes = headBytes
        }
        partitions.push(partition)
        bytes += partitionBytes
      }
    }
  }
  if (partitions.length > 0) statements.push(head + partitions.join(''))
  return statements
}

/**
 * The fine-grained aggregate, with exactly the columns of `AGGREGATE_COLUMNS`, in one scan:
 * `records` reads the partitions of the plan's accounts, regions and folder days (Athena reads
 * nothing else) and computes each record's key, the rules included; `counted` keeps the events
 * the window counts (by `eventTime` with `event-time`), one row per event: with dedupe, one per
 * `eventID` (its smallest evidence, and how many records delivered it), each event without an
 * `eventID` on its own (`uuid()` tells them apart, and only them: it is NULL for the others); the
 * outer query counts them per key, adds up their records, and keeps the first and last event
 * time and the earliest evidence of rows with rules. A malformed `eventTime` gives an empty
 * `eventdate` (`try`) instead of failing the whole query. Throws an `InputError` (on `rules`)
 * when the text is longer than Athena accepts.
 */
export function aggregationQuery(plan: AthenaSettings): string {
  const first = plan.folderDays[0]
  const last = plan.folderDays[plan.folderDays.length - 1]
  if (first === undefined || last === undefined) throw new Error('The plan has no day to read')
  const keys = AGGREGATE_KEY_COLUMNS.join(', ')
  const withEvidence = plan.evidenceLimit > 0
  const eventTimeFilter =
    plan.dayBoundary === 'event-time'
      ? [`  WHERE eventdate BETWEEN ${literal(plan.window.start)} AND ${literal(plan.window.end)}`]
      : []
  const counted = plan.dedupe
    ? [
        `  SELECT ${keys},`,
        '    count(*) AS deliveries,',
        '    min(eventtime) AS first_time,',
        `    max(eventtime) AS last_time${withEvidence ? ',' : ''}`,
        ...(withEvidence ? [`    min(${EVIDENCE}) AS evidence`] : []),
        '  FROM records',
        ...eventTimeFilter,
        `  GROUP BY ${keys}, nullif(eventid, ''), CASE WHEN nullif(eventid, '') IS NULL THEN uuid() END`
      ]
    : [
        `  SELECT ${keys},`,
        '    1 AS deliveries,',
        '    eventtime AS first_time,',
        `    eventtime AS last_time${withEvidence ? ',' : ''}`,
        ...(withEvidence ? [`    ${EVIDENCE} AS evidence`] : []),
        '  FROM records',
        ...eventTimeFilter
      ]
  const evidence = withEvidence
    ? `CASE WHEN rules = '' THEN '' ELSE json_format(CAST(min_by(evidence, evidence, ${count(plan.evidenceLimit)}) AS JSON)) END`
    : "''"
  const sql = [
    'WITH records AS (',
    '  SELECT',
    "    coalesce(recipientaccountid, '') AS account,",
    "    coalesce(awsregion, '') AS region,",
    "    coalesce(eventsource, '') AS eventsource,",
    "    coalesce(eventname, '') AS eventname,",
    "    coalesce(CAST(date(try(from_iso8601_timestamp(eventtime)) AT TIME ZONE 'UTC') AS varchar), '') AS eventdate,",
    "    coalesce(errorcode, '') AS errorcode,",
    "    coalesce(useridentity.type, '') AS identitytype,",
    `    ${PRINCIPAL} AS principal,`,
    `    ${ACTOR} AS actor,`,
    `    ${rulesColumnSql(plan.rules)} AS rules,`,
    `    eventid,`,
    `    eventtime${withEvidence ? ',' : ''}`,
    ...(withEvidence
      ? ['    sourceipaddress,', '    useragent,', '    resources,', '    requestparameters']
      : []),
    `  FROM ${queryName(plan.table)} AS logs`,
    `  WHERE logs.account IN (${plan.accounts.map(literal).join(', ')})`,
    `    AND logs.region IN (${plan.regions.map(literal).join(', ')})`,
    `    AND logs."timestamp" BETWEEN ${literal(folderDate(first))} AND ${literal(folderDate(last))}`,
    '),',
    'counted AS (',
    ...counted,
    ')',
    `SELECT ${keys},`,
    '  COUNT(*) AS events,',
    '  sum(deliveries) AS records,',
    "  CASE WHEN rules = '' THEN '' ELSE coalesce(min(first_time), '') END AS first,",
    "  CASE WHEN rules = '' THEN '' ELSE coalesce(max(last_time), '') END AS last,",
    `  ${evidence} AS evidence`,
    'FROM counted',
    `GROUP BY ${keys}`,
    `ORDER BY events DESC, ${keys}`
  ].join('\n')
  const bytes = Buffer.byteLength(sql)
  if (bytes > QUERY_MAX_BYTES) {
    throw new InputError(
      Input.Rules,
      `makes the Athena query ${formatCount(bytes)} bytes long (${plan.rules.length} rule${plan.rules.length === 1 ? '' : 's'}), over Athena's limit of ${formatCount(QUERY_MAX_BYTES)} bytes: load fewer rules, or use 'engine: local', which has no such limit`
    )
  }
  return sql
}

/** A whole number in SQL text, refused unless it is one (defence in depth, as `literal`). */
function count(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Refusing ${value} as a count`)
  return String(value)
}

/**
 * What a cold run sends to Athena, in order: the table, its partitions (manual partitioning), then
 * the aggregation. Each is the exact query text, without a trailing `;` (Athena runs one statement
 * per query); the CLI's `--print-sql` appends the `;` when it prints them.
 */
export function coldRunStatements(plan: AthenaSettings): string[] {
  return [
    createTableStatement(plan),
    ...(plan.partitioning === 'manual' ? addPartitionsStatements(plan) : []),
    aggregationQuery(plan)
  ]
}
