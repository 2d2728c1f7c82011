import {
  AthenaClient,
  AthenaServiceException,
  GetQueryExecutionCommand,
  GetTableMetadataCommand,
  InvalidRequestException,
  MetadataException,
  StartQueryExecutionCommand
} from '@aws-sdk/client-athena'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { ensureTable } from '../src/engine/athena/table.js'
import type { QueryContext } from '../src/engine/athena/query.js'
import {
  addPartitionsStatements,
  createTableStatement,
  setTablePropertiesStatement
} from '../src/engine/athena/sql.js'

const athena = new AthenaClient({ region: 'eu-west-1' })
const athenaMock = mockClient(athena)
let log: RecordingLog

/** What Athena returns for the table this action creates for `athenaPlan()`. */
const OWN_TABLE = {
  EXTERNAL: 'TRUE',
  'cloudtrail-athena-report.managed': 'true',
  'projection.enabled': 'true',
  'projection.account.type': 'enum',
  'projection.account.values': '111122223333',
  'projection.region.type': 'enum',
  'projection.region.values': 'eu-west-1,us-east-1',
  'projection.timestamp.type': 'date',
  'projection.timestamp.format': 'yyyy/MM/dd',
  'projection.timestamp.range': '2013/11/01,NOW',
  'projection.timestamp.interval': '1',
  'projection.timestamp.interval.unit': 'DAYS',
  'storage.location.template':
    's3://trail-logs/AWSLogs/${account}/CloudTrail/${region}/${timestamp}',
  transient_lastDdlTime: '1710028800'
}

function context(): QueryContext {
  return {
    athena,
    log,
    signal: new AbortController().signal,
    sleep: async () => undefined
  }
}

function tableIs(parameters: Record<string, string>): void {
  athenaMock.on(GetTableMetadataCommand).resolves({
    TableMetadata: { Name: 'cloudtrail_logs', Parameters: parameters }
  })
}

function queriesRun(): (string | undefined)[] {
  return athenaMock
    .commandCalls(StartQueryExecutionCommand)
    .map((call) => call.args[0].input.QueryString)
}

const tableNotFound = new MetadataException({
  message:
    'Entity Not Found (Service: AmazonDataCatalog; Status Code: 400; Error Code: EntityNotFoundException; Request ID: 5c1a; Proxy: null)',
  $metadata: { httpStatusCode: 400 }
})

beforeEach(() => {
  athenaMock.reset()
  log = recordingLog()
  let started = 0
  athenaMock
    .on(StartQueryExecutionCommand)
    .callsFake(() => ({ QueryExecutionId: `q-${++started}` }))
  athenaMock.on(GetQueryExecutionCommand).callsFake(({ QueryExecutionId }) => ({
    QueryExecution: { QueryExecutionId, Status: { State: 'SUCCEEDED' } }
  }))
})

describe('with partition projection', () => {
  it('looks the table up in the plan catalog and database', async () => {
    tableIs(OWN_TABLE)

    await ensureTable(athenaPlan(), context())

    expect(athenaMock.commandCalls(GetTableMetadataCommand)[0]?.args[0].input).toEqual({
      CatalogName: 'AwsDataCatalog',
      DatabaseName: 'default',
      TableName: 'cloudtrail_logs'
    })
  })

  it('creates the table when Athena does not find it', async () => {
    athenaMock.on(GetTableMetadataCommand).rejects(tableNotFound)
    const plan = athenaPlan()

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([createTableStatement(plan, { ifNotExists: false })])
    expect(queriesRun()).toEqual(ddl)
    expect(log.infos.at(-1)).toBe('Table default.cloudtrail_logs: 1 DDL statement(s) run')
  })

  it('issues no DDL when its own table already covers the accounts and regions', async () => {
    tableIs(OWN_TABLE)

    const ddl = await ensureTable(athenaPlan({ regions: ['us-east-1'] }), context())

    expect(ddl).toEqual([])
    expect(queriesRun()).toEqual([])
    expect(log.infos).toEqual(['Table default.cloudtrail_logs is ready: no DDL needed'])
  })

  it('adds a missing region to the enum, keeping the values other runs use', async () => {
    tableIs(OWN_TABLE)
    const plan = athenaPlan({ accounts: ['444455556666'], regions: ['us-west-2', 'eu-west-1'] })

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([
      `ALTER TABLE \`default\`.\`cloudtrail_logs\` SET TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.account.type' = 'enum',
  'projection.account.values' = '111122223333,444455556666',
  'projection.region.type' = 'enum',
  'projection.region.values' = 'eu-west-1,us-east-1,us-west-2',
  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.range' = '2013/11/01,NOW',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://trail-logs/AWSLogs/\${account}/CloudTrail/\${region}/\${timestamp}'
)`
    ])
    expect(queriesRun()).toEqual(ddl)
  })

  it('points its own table at the trail when the location changed', async () => {
    tableIs(OWN_TABLE)
    const plan = athenaPlan({
      layout: { bucket: 'org-trail', prefix: '', organizationId: 'o-a1b2c3d4e5' }
    })

    const [alter] = await ensureTable(plan, context())

    expect(alter).toContain(
      "'storage.location.template' = 's3://org-trail/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}'"
    )
  })

  it('refuses to touch a table it did not create', async () => {
    const foreign = Object.fromEntries(
      Object.entries(OWN_TABLE).filter(([key]) => key !== 'cloudtrail-athena-report.managed')
    )
    tableIs(foreign)

    await expect(ensureTable(athenaPlan({ regions: ['us-west-2'] }), context())).rejects.toThrow(
      "Table default.cloudtrail_logs exists but was not created by this action (it lacks the table property 'cloudtrail-athena-report.managed'), so it is left alone: choose another 'table', or drop it"
    )
    expect(queriesRun()).toEqual([])
  })

  it('creates the table if needed and sets its properties, with a warning, when the lookup is denied', async () => {
    athenaMock.on(GetTableMetadataCommand).rejects(
      // Athena models no AccessDeniedException: the SDK gives its base exception that name.
      new AthenaServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message:
          'You are not authorized to perform: athena:GetTableMetadata on the resource. After your AWS administrator or you have updated your permissions, please try again.',
        $metadata: { httpStatusCode: 400 }
      })
    )
    const plan = athenaPlan()

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([
      createTableStatement(plan, { ifNotExists: true }),
      setTablePropertiesStatement(plan.table, {
        'projection.enabled': 'true',
        'projection.account.type': 'enum',
        'projection.account.values': '111122223333',
        'projection.region.type': 'enum',
        'projection.region.values': 'eu-west-1,us-east-1',
        'projection.timestamp.type': 'date',
        'projection.timestamp.format': 'yyyy/MM/dd',
        'projection.timestamp.range': '2013/11/01,NOW',
        'projection.timestamp.interval': '1',
        'projection.timestamp.interval.unit': 'DAYS',
        'storage.location.template':
          's3://trail-logs/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'
      })
    ])
    expect(queriesRun()).toEqual(ddl)
    expect(log.warnings).toEqual([
      "Could not look up table default.cloudtrail_logs (GetTableMetadata is not permitted: You are not authorized to perform: athena:GetTableMetadata on the resource. After your AWS administrator or you have updated your permissions, please try again.); creating it if it does not exist and setting its projection to this run's accounts and regions. Allow athena:GetTableMetadata (and glue:GetTable) so that a warm run issues no DDL."
    ])
  })

  it('falls back the same way when the endpoint does not implement the lookup', async () => {
    // What the SDK throws for moto's "not implemented" page: an HTML 500 it cannot parse.
    const notImplemented = Object.assign(
      new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'),
      { $metadata: { httpStatusCode: 500 } }
    )
    athenaMock.on(GetTableMetadataCommand).rejects(notImplemented)
    const plan = athenaPlan()

    const ddl = await ensureTable(plan, context())

    expect(ddl).toHaveLength(2)
    expect(ddl[0]).toBe(createTableStatement(plan, { ifNotExists: true }))
    expect(log.warnings[0]).toMatch(
      /^Could not look up table default\.cloudtrail_logs \(GetTableMetadata is not available: HTTP 500, SyntaxError\); /
    )
  })

  it('fails on any other lookup error, naming it', async () => {
    athenaMock.on(GetTableMetadataCommand).rejects(
      new InvalidRequestException({
        message: 'Catalog AwsDataCatalg does not exist',
        $metadata: { httpStatusCode: 400 }
      })
    )

    await expect(ensureTable(athenaPlan(), context())).rejects.toThrow(
      'Athena GetTableMetadata failed: InvalidRequestException: Catalog AwsDataCatalg does not exist'
    )
    expect(queriesRun()).toEqual([])
  })
})

describe('with manual partitioning', () => {
  it('creates the classic table and adds the partitions of the window', async () => {
    athenaMock.on(GetTableMetadataCommand).rejects(tableNotFound)
    const plan = athenaPlan({ partitioning: 'manual' })

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([
      createTableStatement(plan, { ifNotExists: false }),
      ...addPartitionsStatements(plan)
    ])
    expect(queriesRun()).toEqual(ddl)
  })

  it('adds the partitions to its existing table', async () => {
    tableIs({ EXTERNAL: 'TRUE', 'cloudtrail-athena-report.managed': 'true' })
    const plan = athenaPlan({ partitioning: 'manual' })

    expect(await ensureTable(plan, context())).toEqual(addPartitionsStatements(plan))
  })

  it('turns projection off first on a table it created with projection', async () => {
    tableIs(OWN_TABLE)
    const plan = athenaPlan({ partitioning: 'manual' })

    expect(await ensureTable(plan, context())).toEqual([
      "ALTER TABLE `default`.`cloudtrail_logs` SET TBLPROPERTIES (\n  'projection.enabled' = 'false'\n)",
      ...addPartitionsStatements(plan)
    ])
  })
})
