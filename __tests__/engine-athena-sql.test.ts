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

const SELECT_RECORDS = `WITH records AS (
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
      nullif(useridentity.accountid, ''),
      ''
    ) AS principal,
    CASE
      WHEN (coalesce(useridentity.type, '') = 'Root' AND coalesce(useridentity.invokedby, '') = '' AND coalesce(eventtype, '') <> 'AwsServiceEvent') THEN 'root-activity'
      WHEN (coalesce(eventsource, '') = 'cloudtrail.amazonaws.com' AND coalesce(eventname, '') IN ('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging')) THEN 'cloudtrail-changes'
      WHEN (coalesce(eventname, '') = 'ConsoleLogin' AND coalesce(useridentity.type, '') = 'IAMUser' AND coalesce(json_extract_scalar(responseelements, '$.ConsoleLogin'), '') = 'Success' AND coalesce(json_extract_scalar(additionaleventdata, '$.MFAUsed'), '') <> 'Yes') THEN 'console-login-without-mfa'
      WHEN (coalesce(eventsource, '') = 'iam.amazonaws.com' AND coalesce(eventname, '') IN ('DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy')) THEN 'iam-policy-changes'
      WHEN (coalesce(eventsource, '') = 'kms.amazonaws.com' AND coalesce(eventname, '') IN ('DisableKey', 'ScheduleKeyDeletion')) THEN 'kms-key-disabled-or-deleted'
      WHEN (coalesce(eventsource, '') = 's3.amazonaws.com' AND coalesce(eventname, '') IN ('PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication')) THEN 's3-bucket-policy-changes'
      WHEN (coalesce(eventsource, '') = 'config.amazonaws.com' AND coalesce(eventname, '') IN ('StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder')) THEN 'config-changes'
      WHEN (coalesce(eventsource, '') = 'ec2.amazonaws.com' AND coalesce(eventname, '') IN ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup')) THEN 'security-group-changes'
      WHEN (coalesce(eventsource, '') = 'ec2.amazonaws.com' AND coalesce(eventname, '') IN ('CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation')) THEN 'nacl-changes'
      WHEN (coalesce(eventsource, '') = 'ec2.amazonaws.com' AND coalesce(eventname, '') IN ('CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway')) THEN 'network-gateway-changes'
      WHEN (coalesce(eventsource, '') = 'ec2.amazonaws.com' AND coalesce(eventname, '') IN ('CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable')) THEN 'route-table-changes'
      WHEN (coalesce(eventsource, '') = 'ec2.amazonaws.com' AND coalesce(eventname, '') IN ('CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink')) THEN 'vpc-changes'
      WHEN (coalesce(eventname, '') = 'ConsoleLogin' AND (coalesce(errormessage, '') = 'Failed authentication' OR coalesce(json_extract_scalar(responseelements, '$.ConsoleLogin'), '') = 'Failure')) THEN 'console-login-failures'
      WHEN (coalesce(errorcode, '') LIKE '%UnauthorizedOperation' OR coalesce(errorcode, '') LIKE 'AccessDenied%') THEN 'unauthorized-calls'
      ELSE ''
    END AS flag,
    eventid
  FROM "default"."cloudtrail_report" AS logs`

const KEYS =
  'account, region, eventsource, eventname, eventdate, errorcode, identitytype, principal, flag'

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
  it('filters partitions to the window and the next day, then events to the window by eventTime', () => {
    expect(aggregationQuery(athenaPlan())).toBe(`${SELECT_RECORDS}
  WHERE logs.account IN ('111122223333')
    AND logs.region IN ('eu-west-1', 'us-east-1')
    AND logs."timestamp" BETWEEN '2024/03/10' AND '2024/03/11'
)
SELECT ${KEYS},
  COUNT(DISTINCT nullif(eventid, '')) + COUNT_IF(nullif(eventid, '') IS NULL) AS events
FROM records
WHERE eventdate BETWEEN '2024-03-10' AND '2024-03-10'
GROUP BY ${KEYS}
ORDER BY events DESC, ${KEYS}`)
  })

  it('reads only the window folders and keeps every event in them by delivery', () => {
    const plan = athenaPlan({
      dayBoundary: 'delivery',
      window: { start: '2024-02-28', end: '2024-03-01' },
      accounts: ['111122223333', '444455556666'],
      regions: ['us-east-1']
    })
    expect(aggregationQuery(plan)).toBe(`${SELECT_RECORDS}
  WHERE logs.account IN ('111122223333', '444455556666')
    AND logs.region IN ('us-east-1')
    AND logs."timestamp" BETWEEN '2024/02/28' AND '2024/03/01'
)
SELECT ${KEYS},
  COUNT(DISTINCT nullif(eventid, '')) + COUNT_IF(nullif(eventid, '') IS NULL) AS events
FROM records
GROUP BY ${KEYS}
ORDER BY events DESC, ${KEYS}`)
  })

  it('counts every delivered record when dedupe is off', () => {
    expect(aggregationQuery(athenaPlan({ dedupe: false }))).toBe(`${SELECT_RECORDS}
  WHERE logs.account IN ('111122223333')
    AND logs.region IN ('eu-west-1', 'us-east-1')
    AND logs."timestamp" BETWEEN '2024/03/10' AND '2024/03/11'
)
SELECT ${KEYS},
  COUNT(*) AS events
FROM records
WHERE eventdate BETWEEN '2024-03-10' AND '2024-03-10'
GROUP BY ${KEYS}
ORDER BY events DESC, ${KEYS}`)
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
