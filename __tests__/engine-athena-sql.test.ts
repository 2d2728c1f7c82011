import { describe, expect, it } from 'vitest'
import { athenaPlan } from '../__fixtures__/plan.js'
import {
  addPartitionsStatements,
  aggregationQuery,
  coldRunStatements,
  createTableStatement,
  literal,
  locationTemplate,
  QUERY_MAX_BYTES,
  setTablePropertiesStatement,
  showTablePropertiesStatement
} from '../src/engine/athena/sql.js'
import { BUILTIN_RULES, testRule } from '../__fixtures__/rule.js'
import { InputError } from '../src/inputs/validation.js'

/** The CloudTrail columns, as the Athena documentation lists them. */
const COLUMNS = `  eventversion STRING,
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

const TABLE_FORMAT = `PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'`

/** Two built-in rules: the query's `rules` column for them is pinned below, whole. */
const TWO_RULES = BUILTIN_RULES.filter((rule) =>
  ['cloudtrail-changes', 'root-activity'].includes(rule.key)
)

/** The `records` CTE's columns, the two rules' included; then the raw columns each plan reads. */
const RECORD_COLUMNS = `WITH records AS (
  SELECT
    coalesce(recipientaccountid, '') AS account,
    coalesce(awsregion, '') AS region,
    coalesce(eventsource, '') AS eventsource,
    coalesce(eventname, '') AS eventname,
    coalesce(CAST(date(try(from_iso8601_timestamp(eventtime)) AT TIME ZONE 'UTC') AS varchar), '') AS eventdate,
    coalesce(errorcode, '') AS errorcode,
    coalesce(useridentity.type, '') AS identitytype,
    coalesce(
      CASE WHEN useridentity.type = 'AssumedRole' THEN nullif(useridentity.sessioncontext.sessionissuer.arn, '') END,
      nullif(useridentity.arn, ''),
      nullif(useridentity.invokedby, ''),
      nullif(useridentity.username, ''),
      nullif(useridentity.accountid, ''),
      ''
    ) AS principal,
    coalesce(
      nullif(useridentity.sessioncontext.sourceidentity, ''),
      CASE WHEN useridentity.type = 'AssumedRole' THEN nullif(regexp_extract(useridentity.arn, '/([^/]*)\\z', 1), '') END,
      nullif(useridentity.username, ''),
      nullif(useridentity.onbehalfof.userid, ''),
      nullif(useridentity.invokedby, ''),
      ''
    ) AS actor,
    array_join(ARRAY[
      CASE WHEN (coalesce(lower(eventsource) = 'cloudtrail.amazonaws.com', false) AND coalesce(lower(eventname) IN ('createtrail', 'updatetrail', 'deletetrail', 'startlogging', 'stoplogging'), false)) THEN 'cloudtrail-changes' END,
      CASE WHEN ((coalesce(lower(useridentity.type) = 'root', false) AND (useridentity.invokedby IS NULL OR coalesce(lower(useridentity.invokedby) = '', false))) AND NOT coalesce(lower(eventtype) = 'awsserviceevent', false)) THEN 'root-activity' END
    ], ' ') AS rules,
    eventid,`

const KEYS =
  'account, region, eventsource, eventname, eventdate, errorcode, identitytype, principal, actor, rules'

const EVIDENCE = `ARRAY[
        coalesce(eventtime, ''),
        coalesce(eventid, ''),
        coalesce(sourceipaddress, ''),
        coalesce(useragent, ''),
        coalesce(array_join(transform(resources, r -> r.arn), ' '), ''),
        coalesce(substr(requestparameters, 1, 1000), '')
      ]`

describe('the table', () => {
  it('is created if not there yet, marked, versioned, with account and region projected from the query (injected)', () => {
    const plan = athenaPlan({
      layout: { bucket: 'trail-logs', prefix: 'trails/main', organizationId: 'o-a1b2c3d4e5' }
    })
    expect(createTableStatement(plan)).toBe(
      `CREATE EXTERNAL TABLE IF NOT EXISTS \`default\`.\`cloudtrail_report\` (
${COLUMNS}
)
${TABLE_FORMAT}
LOCATION 's3://trail-logs/trails/main/AWSLogs/o-a1b2c3d4e5/'
TBLPROPERTIES (
  'cloudtrail-athena-report.managed' = 'true',
  'cloudtrail-athena-report.schema-version' = '1',
  'projection.enabled' = 'true',
  'projection.account.type' = 'injected',
  'projection.region.type' = 'injected',
  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.range' = '2013/11/01,NOW',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://trail-logs/trails/main/AWSLogs/o-a1b2c3d4e5/\${account}/CloudTrail/\${region}/\${timestamp}'
)`
    )
  })

  it('is created without projection, only marked and versioned, for manual partitioning', () => {
    const plan = athenaPlan({ partitioning: 'manual' })
    expect(createTableStatement(plan)).toBe(
      `CREATE EXTERNAL TABLE IF NOT EXISTS \`default\`.\`cloudtrail_report\` (
${COLUMNS}
)
${TABLE_FORMAT}
LOCATION 's3://trail-logs/AWSLogs/'
TBLPROPERTIES (
  'cloudtrail-athena-report.managed' = 'true',
  'cloudtrail-athena-report.schema-version' = '1'
)`
    )
  })

  it('has its properties read with SHOW TBLPROPERTIES', () => {
    expect(showTablePropertiesStatement(athenaPlan().table)).toBe(
      'SHOW TBLPROPERTIES `default`.`cloudtrail_report`'
    )
  })

  it('reads files below AWSLogs/ACCOUNT/CloudTrail/REGION/DAY for a trail without prefix', () => {
    expect(locationTemplate({ bucket: 'trail-logs', prefix: '', organizationId: '' })).toBe(
      's3://trail-logs/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'
    )
  })

  it('has its properties updated with one ALTER TABLE', () => {
    const table = { catalog: 'AwsDataCatalog', database: 'audit', table: 'trail' }
    expect(
      setTablePropertiesStatement(table, {
        'projection.region.values': 'eu-west-1,us-east-1,us-west-2',
        'projection.enabled': 'true'
      })
    ).toBe(`ALTER TABLE \`audit\`.\`trail\` SET TBLPROPERTIES (
  'projection.region.values' = 'eu-west-1,us-east-1,us-west-2',
  'projection.enabled' = 'true'
)`)
  })
})

describe('manual partitions', () => {
  it('adds one partition per account, region and folder day, each with its folder', () => {
    const plan = athenaPlan({
      partitioning: 'manual',
      layout: { bucket: 'trail-logs', prefix: 'ct', organizationId: 'o-a1b2c3d4e5' }
    })
    expect(addPartitionsStatements(plan)).toEqual([
      `ALTER TABLE \`default\`.\`cloudtrail_report\` ADD IF NOT EXISTS
  PARTITION (account = '111122223333', region = 'eu-west-1', \`timestamp\` = '2024/03/10') LOCATION 's3://trail-logs/ct/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2024/03/10/'
  PARTITION (account = '111122223333', region = 'eu-west-1', \`timestamp\` = '2024/03/11') LOCATION 's3://trail-logs/ct/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2024/03/11/'
  PARTITION (account = '111122223333', region = 'us-east-1', \`timestamp\` = '2024/03/10') LOCATION 's3://trail-logs/ct/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2024/03/10/'
  PARTITION (account = '111122223333', region = 'us-east-1', \`timestamp\` = '2024/03/11') LOCATION 's3://trail-logs/ct/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2024/03/11/'`
    ])
  })

  it('packs thousands of partitions into as few statements as the 256 KiB query limit allows', () => {
    const accounts = Array.from({ length: 10 }, (_, i) => String(111122223330 + i))
    const regions = Array.from({ length: 30 }, (_, i) => `xx-test-${i}`)
    const plan = athenaPlan({
      partitioning: 'manual',
      accounts,
      regions,
      window: { start: '2024-01-01', end: '2024-03-31' }
    })
    const statements = addPartitionsStatements(plan)
    const head = 'ALTER TABLE `default`.`cloudtrail_report` ADD IF NOT EXISTS'
    const partitions = statements.flatMap((statement) => statement.split('\n').slice(1))

    expect(partitions).toHaveLength(10 * 30 * 92)
    // 4,728,800 bytes of PARTITION clauses, 262,087 bytes left beside the head: 19 at least.
    expect(statements).toHaveLength(19)
    for (const [i, statement] of statements.entries()) {
      expect(statement.startsWith(`${head}\n  PARTITION (`)).toBe(true)
      expect(Buffer.byteLength(statement)).toBeLessThanOrEqual(QUERY_MAX_BYTES)
      const next = statements[i + 1]?.split('\n')[1]
      if (next !== undefined) {
        expect(Buffer.byteLength(`${statement}\n${next}`)).toBeGreaterThan(QUERY_MAX_BYTES)
      }
    }
  })
})

describe('the aggregation query', () => {
  it('reads the window and the next day, keeps events dated in the window, one per eventID, with the rules, times and evidence', () => {
    expect(aggregationQuery(athenaPlan({ rules: TWO_RULES }))).toBe(`${RECORD_COLUMNS}
    eventtime,
    sourceipaddress,
    useragent,
    resources,
    requestparameters
  FROM "default"."cloudtrail_report" AS logs
  WHERE logs.account IN ('111122223333')
    AND logs.region IN ('eu-west-1', 'us-east-1')
    AND logs."timestamp" BETWEEN '2024/03/10' AND '2024/03/11'
),
counted AS (
  SELECT ${KEYS},
    count(*) AS deliveries,
    min(eventtime) AS first_time,
    max(eventtime) AS last_time,
    min(CASE WHEN rules <> '' THEN ${EVIDENCE} END) AS evidence
  FROM records
  WHERE eventdate BETWEEN '2024-03-10' AND '2024-03-10'
  GROUP BY ${KEYS}, nullif(eventid, ''), CASE WHEN nullif(eventid, '') IS NULL THEN uuid() END
)
SELECT ${KEYS},
  COUNT(*) AS events,
  sum(deliveries) AS records,
  CASE WHEN rules = '' THEN '' ELSE coalesce(min(first_time), '') END AS first,
  CASE WHEN rules = '' THEN '' ELSE coalesce(max(last_time), '') END AS last,
  CASE WHEN rules = '' THEN '' ELSE json_format(CAST(min_by(evidence, evidence, 100) AS JSON)) END AS evidence
FROM counted
GROUP BY ${KEYS}
ORDER BY events DESC, ${KEYS}`)
  })

  it('reads only the window folders and keeps every record in them by delivery, without dedupe', () => {
    const plan = athenaPlan({
      rules: TWO_RULES,
      dayBoundary: 'delivery',
      dedupe: false,
      evidenceLimit: 10_000,
      window: { start: '2024-02-28', end: '2024-03-01' },
      accounts: ['111122223333', '444455556666'],
      regions: ['us-east-1']
    })
    expect(aggregationQuery(plan)).toBe(`${RECORD_COLUMNS}
    eventtime,
    sourceipaddress,
    useragent,
    resources,
    requestparameters
  FROM "default"."cloudtrail_report" AS logs
  WHERE logs.account IN ('111122223333', '444455556666')
    AND logs.region IN ('us-east-1')
    AND logs."timestamp" BETWEEN '2024/02/28' AND '2024/03/01'
),
counted AS (
  SELECT ${KEYS},
    1 AS deliveries,
    eventtime AS first_time,
    eventtime AS last_time,
    CASE WHEN rules <> '' THEN ${EVIDENCE} END AS evidence
  FROM records
)
SELECT ${KEYS},
  COUNT(*) AS events,
  sum(deliveries) AS records,
  CASE WHEN rules = '' THEN '' ELSE coalesce(min(first_time), '') END AS first,
  CASE WHEN rules = '' THEN '' ELSE coalesce(max(last_time), '') END AS last,
  CASE WHEN rules = '' THEN '' ELSE json_format(CAST(min_by(evidence, evidence, 10000) AS JSON)) END AS evidence
FROM counted
GROUP BY ${KEYS}
ORDER BY events DESC, ${KEYS}`)
  })

  it('keeps no evidence with an evidence limit of 0, and reads none of its columns', () => {
    expect(aggregationQuery(athenaPlan({ rules: TWO_RULES, evidenceLimit: 0 }))).toBe(
      `${RECORD_COLUMNS}
    eventtime
  FROM "default"."cloudtrail_report" AS logs
  WHERE logs.account IN ('111122223333')
    AND logs.region IN ('eu-west-1', 'us-east-1')
    AND logs."timestamp" BETWEEN '2024/03/10' AND '2024/03/11'
),
counted AS (
  SELECT ${KEYS},
    count(*) AS deliveries,
    min(eventtime) AS first_time,
    max(eventtime) AS last_time
  FROM records
  WHERE eventdate BETWEEN '2024-03-10' AND '2024-03-10'
  GROUP BY ${KEYS}, nullif(eventid, ''), CASE WHEN nullif(eventid, '') IS NULL THEN uuid() END
)
SELECT ${KEYS},
  COUNT(*) AS events,
  sum(deliveries) AS records,
  CASE WHEN rules = '' THEN '' ELSE coalesce(min(first_time), '') END AS first,
  CASE WHEN rules = '' THEN '' ELSE coalesce(max(last_time), '') END AS last,
  '' AS evidence
FROM counted
GROUP BY ${KEYS}
ORDER BY events DESC, ${KEYS}`
    )
  })

  it('has an empty rules column without rules', () => {
    const sql = aggregationQuery(athenaPlan({ rules: [] }))
    expect(sql).toContain("\n    '' AS rules,\n")
    expect(sql).not.toContain('array_join(ARRAY[')
  })

  it('stays far below the 256 KiB Athena takes with every built-in rule', () => {
    const bytes = Buffer.byteLength(aggregationQuery(athenaPlan({ rules: BUILTIN_RULES })))
    expect(bytes).toBeGreaterThan(30_000)
    expect(bytes).toBeLessThan(QUERY_MAX_BYTES / 4)
  })

  it('refuses, naming the limit, a query longer than Athena takes (too many rules)', () => {
    const rules = Array.from({ length: 30 }, (_, i) =>
      testRule(`long-${i}`, {
        condition: {
          kind: 'match',
          field: { path: 'eventName', source: { kind: 'column', column: 'eventname', keys: [] } },
          test: { kind: 'pattern', parts: [{ text: 'x'.repeat(10_000) }], cased: true }
        }
      })
    )
    const plan = athenaPlan({ rules })
    expect(() => aggregationQuery(plan)).toThrow(
      new InputError(
        'rules',
        "makes the Athena query 304,953 bytes long (30 rules), over Athena's limit of 262,144 bytes: load fewer rules, or use 'engine: local', which has no such limit"
      )
    )
  })
})

describe('a cold run', () => {
  it('creates the projected table, then runs the aggregation', () => {
    const plan = athenaPlan()
    expect(coldRunStatements(plan)).toEqual([createTableStatement(plan), aggregationQuery(plan)])
  })

  it('with manual partitioning, adds the partitions between the two', () => {
    const plan = athenaPlan({ partitioning: 'manual' })
    expect(coldRunStatements(plan)).toEqual([
      createTableStatement(plan),
      ...addPartitionsStatements(plan),
      aggregationQuery(plan)
    ])
  })
})

describe('defence in depth', () => {
  it('renders a plain value as a quoted literal', () => {
    expect(literal('us-east-1')).toBe("'us-east-1'")
  })

  it("refuses a value with a ' even though inputs are validated before", () => {
    expect(() => literal("x' OR '1'='1")).toThrow("Refusing to put \"x' OR '1'='1\" in SQL text")
  })

  it('refuses a value with a backslash, an escape in Hive DDL strings', () => {
    expect(() => literal('a\\')).toThrow('Refusing to put "a\\\\" in SQL text')
  })

  it('refuses a region that would break out of its literal', () => {
    const plan = athenaPlan({ regions: ["us-east-1') OR ('1'='1"] })
    expect(() => aggregationQuery(plan)).toThrow(
      "Refusing to put \"us-east-1') OR ('1'='1\" in SQL text"
    )
  })

  it('refuses a table name that is not a plain identifier', () => {
    const plan = athenaPlan({
      table: { catalog: 'AwsDataCatalog', database: 'default', table: 'logs"; DROP TABLE x; --' }
    })
    expect(() => aggregationQuery(plan)).toThrow(
      'Refusing "logs\\"; DROP TABLE x; --" as a SQL name'
    )
  })
})
