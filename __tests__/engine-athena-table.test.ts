import {
  AthenaClient,
  AthenaServiceException,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  InvalidRequestException,
  MetadataException,
  StartQueryExecutionCommand,
  type QueryExecution
} from '@aws-sdk/client-athena'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import type { QueryContext } from '../src/engine/athena/query.js'
import {
  addPartitionsStatements,
  aggregationQuery,
  createTableStatement,
  projectionProperties,
  setTablePropertiesStatement,
  showTablePropertiesStatement
} from '../src/engine/athena/sql.js'
import { ensureTable } from '../src/engine/athena/table.js'
import type { AthenaSettings } from '../src/plan/plan.js'

const athena = new AthenaClient({ region: 'eu-west-1' })
const athenaMock = mockClient(athena)
let log: RecordingLog

const LAYOUT = { bucket: 'trail-logs', prefix: '', organizationId: '' }

/** What Glue holds for the table this action creates for `athenaPlan()`. */
const OWN_TABLE: Readonly<Record<string, string>> = {
  EXTERNAL: 'TRUE',
  'cloudtrail-athena-report.managed': 'true',
  'cloudtrail-athena-report.schema-version': '1',
  ...projectionProperties(LAYOUT),
  transient_lastDdlTime: '1710028800'
}

const tableNotFound = (): MetadataException =>
  new MetadataException({
    message:
      'Entity Not Found (Service: AmazonDataCatalog; Status Code: 400; Error Code: EntityNotFoundException; Request ID: 5c1a; Proxy: null)',
    $metadata: { httpStatusCode: 400 }
  })

const lookupDenied = (): AthenaServiceException =>
  // Athena models no AccessDeniedException: the SDK gives its base exception that name.
  new AthenaServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    message:
      'You are not authorized to perform: athena:GetTableMetadata on the resource. After your AWS administrator or you have updated your permissions, please try again.',
    $metadata: { httpStatusCode: 400 }
  })

/**
 * Athena and Glue as far as the table goes: one table whose properties CREATE EXTERNAL TABLE,
 * ALTER TABLE SET TBLPROPERTIES and SHOW TBLPROPERTIES act on, as Athena runs them. Every query
 * succeeds at once unless `failQuery` says otherwise.
 */
class FakeCatalog {
  table: Record<string, string> | undefined
  readonly queries: string[] = []
  /** Called before each GetTableMetadata answer: a test may hold it to interleave runs. */
  beforeLookup: () => Promise<void> = async () => undefined
  failQuery: (sql: string) => string | undefined = () => undefined
  private readonly executions = new Map<string, QueryExecution>()
  private readonly results = new Map<string, string[]>()

  constructor(table?: Readonly<Record<string, string>>) {
    this.table = table === undefined ? undefined : { ...table }
    athenaMock.on(GetTableMetadataCommand).callsFake(async () => {
      await this.beforeLookup()
      if (this.table === undefined) throw tableNotFound()
      return { TableMetadata: { Name: 'cloudtrail_report', Parameters: { ...this.table } } }
    })
    athenaMock.on(StartQueryExecutionCommand).callsFake(({ QueryString = '' }) => {
      const id = `q-${this.queries.push(QueryString)}`
      this.executions.set(id, this.run(id, QueryString))
      return { QueryExecutionId: id }
    })
    athenaMock.on(GetQueryExecutionCommand).callsFake(({ QueryExecutionId = '' }) => ({
      QueryExecution: this.executions.get(QueryExecutionId)
    }))
    athenaMock.on(GetQueryResultsCommand).callsFake(({ QueryExecutionId = '' }) => ({
      // Athena's text output of a DDL statement: one cell a row, name and value tab-separated.
      ResultSet: {
        Rows: (this.results.get(QueryExecutionId) ?? []).map((line) => ({
          Data: [{ VarCharValue: line }]
        }))
      }
    }))
  }

  private run(id: string, sql: string): QueryExecution {
    const failure = this.failQuery(sql) ?? this.apply(id, sql)
    return failure === undefined
      ? { QueryExecutionId: id, Status: { State: 'SUCCEEDED' } }
      : {
          QueryExecutionId: id,
          Status: {
            State: 'FAILED',
            StateChangeReason: failure,
            AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false }
          }
        }
  }

  private apply(id: string, sql: string): string | undefined {
    const properties = Object.fromEntries(
      [...sql.matchAll(/^ {2}'([^']+)' = '([^']*)'/gm)].map(([, key = '', value = '']) => [
        key,
        value
      ])
    )
    if (sql.startsWith('CREATE EXTERNAL TABLE')) {
      if (this.table !== undefined) {
        return sql.startsWith('CREATE EXTERNAL TABLE IF NOT EXISTS')
          ? undefined
          : 'FAILED: AlreadyExistsException: Table already exists'
      }
      this.table = { EXTERNAL: 'TRUE', ...properties }
    } else if (sql.includes(' SET TBLPROPERTIES ')) {
      if (this.table === undefined) return 'FAILED: SemanticException Table not found'
      this.table = { ...this.table, ...properties }
    } else if (sql.startsWith('SHOW TBLPROPERTIES')) {
      if (this.table === undefined) {
        return 'FAILED: SemanticException [Error 10001]: Table not found default.cloudtrail_report'
      }
      this.results.set(
        id,
        Object.entries(this.table).map(([key, value]) => `${key}\t${value}`)
      )
    }
    return undefined
  }
}

function context(): QueryContext {
  return {
    athena,
    log,
    signal: new AbortController().signal,
    sleep: async () => undefined
  }
}

/** Whether the table's projection reads `value` of `column`: always when injected. */
function projects(table: Readonly<Record<string, string>>, column: string, value: string) {
  const type = table[`projection.${column}.type`]
  if (type === 'injected') return true
  return type === 'enum' && (table[`projection.${column}.values`] ?? '').split(',').includes(value)
}

beforeEach(() => {
  athenaMock.reset()
  log = recordingLog()
})

describe('with partition projection', () => {
  it('looks the table up in the plan catalog and database', async () => {
    new FakeCatalog(OWN_TABLE)

    await ensureTable(athenaPlan(), context())

    expect(athenaMock.commandCalls(GetTableMetadataCommand)[0]?.args[0].input).toEqual({
      CatalogName: 'AwsDataCatalog',
      DatabaseName: 'default',
      TableName: 'cloudtrail_report'
    })
  })

  it('creates the table if it does not exist, then reads it back to check it is its own', async () => {
    const catalog = new FakeCatalog()
    const plan = athenaPlan()

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([createTableStatement(plan)])
    expect(ddl[0]).toMatch(/^CREATE EXTERNAL TABLE IF NOT EXISTS `default`\.`cloudtrail_report` \(/)
    expect(catalog.queries).toEqual(ddl)
    expect(athenaMock.commandCalls(GetTableMetadataCommand)).toHaveLength(2)
    expect(log.infos.at(-1)).toBe('Table default.cloudtrail_report: 1 DDL statement(s) run')
  })

  it('issues no DDL for accounts and regions it never saw: they are injected by the query', async () => {
    const catalog = new FakeCatalog(OWN_TABLE)
    const plan = athenaPlan({
      accounts: ['444455556666'],
      regions: ['ap-southeast-4', 'me-central-1']
    })

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([])
    expect(catalog.queries).toEqual([])
    expect(log.infos).toEqual(['Table default.cloudtrail_report is ready: no DDL needed'])
    expect(aggregationQuery(plan)).toContain(
      "WHERE logs.account IN ('444455556666')\n    AND logs.region IN ('ap-southeast-4', 'me-central-1')"
    )
  })

  it('loses no account or region when runs for different ones interleave on a warm table', async () => {
    // A table as an earlier, enum-based version left it, but marked as this version's: the worst
    // case for lost updates (every run would rewrite the value lists).
    const catalog = new FakeCatalog({
      ...OWN_TABLE,
      'projection.account.type': 'enum',
      'projection.account.values': '111122223333',
      'projection.region.type': 'enum',
      'projection.region.values': 'us-east-1'
    })
    const plans = [
      athenaPlan({ accounts: ['444455556666'], regions: ['eu-west-1'] }),
      athenaPlan({ accounts: ['777788889999'], regions: ['ap-south-2'] })
    ]
    // Both runs read the table before either writes it.
    let arrived = 0
    let release = (): void => undefined
    const bothRead = new Promise<void>((resolve) => (release = resolve))
    catalog.beforeLookup = async () => {
      if (++arrived === 2) release()
      if (arrived <= 2) await bothRead
    }

    await Promise.all(plans.map((plan) => ensureTable(plan, context())))

    const table = catalog.table ?? {}
    for (const plan of plans) {
      for (const account of plan.accounts) expect(projects(table, 'account', account)).toBe(true)
      for (const region of plan.regions) expect(projects(table, 'region', region)).toBe(true)
    }
  })

  it('lets first runs started together all succeed, the table created once', async () => {
    const catalog = new FakeCatalog()
    let arrived = 0
    let release = (): void => undefined
    const allLookedUp = new Promise<void>((resolve) => (release = resolve))
    catalog.beforeLookup = async () => {
      if (++arrived === 3) release()
      if (arrived <= 3) await allLookedUp
    }
    const plans = ['111122223333', '444455556666', '777788889999'].map((account) =>
      athenaPlan({ accounts: [account] })
    )

    const ddl = await Promise.all(plans.map((plan) => ensureTable(plan, context())))

    expect(ddl).toEqual(plans.map((plan) => [createTableStatement(plan)]))
    expect(catalog.table).toEqual({ EXTERNAL: 'TRUE', ...OWN_TABLE_WITHOUT_DDL_TIME })
  })

  it('points its own table at the trail when the location changed, and reads the change back', async () => {
    const catalog = new FakeCatalog(OWN_TABLE)
    const plan = athenaPlan({
      layout: { bucket: 'org-trail', prefix: '', organizationId: 'o-a1b2c3d4e5' }
    })

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([
      setTablePropertiesStatement(plan.table, projectionProperties(plan.layout))
    ])
    expect(catalog.table?.['storage.location.template']).toBe(
      's3://org-trail/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}'
    )
    expect(athenaMock.commandCalls(GetTableMetadataCommand)).toHaveLength(2)
  })

  it('gives up, naming the property, when another run keeps setting the table to another trail', async () => {
    const catalog = new FakeCatalog(OWN_TABLE)
    const plan = athenaPlan({ layout: { bucket: 'org-trail', prefix: '', organizationId: '' } })
    // Another run for the bucket trail-logs writes the table back after each of ours.
    catalog.beforeLookup = async () => {
      if (catalog.table !== undefined) catalog.table = { ...catalog.table, ...OWN_TABLE }
    }

    await expect(ensureTable(plan, context())).rejects.toThrow(
      "Table default.cloudtrail_report keeps changing under this run: its storage.location.template is set to other values again after 3 updates. Another run is using it for another trail (bucket, prefix or organization-id) or partitioning: give each its own 'table'"
    )
    expect(catalog.queries).toHaveLength(3)
  })

  it('refuses to touch a table it did not create', async () => {
    const foreign = Object.fromEntries(
      Object.entries(OWN_TABLE).filter(([key]) => key !== 'cloudtrail-athena-report.managed')
    )
    const catalog = new FakeCatalog(foreign)

    await expect(ensureTable(athenaPlan(), context())).rejects.toThrow(
      "Table default.cloudtrail_report exists but was not created by this action (it lacks the table property 'cloudtrail-athena-report.managed'), so it is left alone: choose another 'table', or drop it"
    )
    expect(catalog.queries).toEqual([])
  })

  it('refuses a table another version created, saying how to drop it', async () => {
    const older = Object.fromEntries(
      Object.entries(OWN_TABLE).filter(([key]) => key !== 'cloudtrail-athena-report.schema-version')
    )
    const catalog = new FakeCatalog(older)

    await expect(ensureTable(athenaPlan(), context())).rejects.toThrow(
      "Table default.cloudtrail_report was created by another version of this action (table schema version none; this version needs '1'), so its columns may differ and it is left alone: drop it (DROP TABLE `default`.`cloudtrail_report`; the logs stay in S3) and the next run creates it again, or choose another 'table'"
    )
    expect(catalog.queries).toEqual([])
  })

  it('does not alter a table of the same name that someone else created meanwhile', async () => {
    const catalog = new FakeCatalog()
    const foreign = { EXTERNAL: 'TRUE', 'projection.enabled': 'true' }
    // AWS's own CloudTrail DDL, run by someone between our lookup and our CREATE.
    catalog.failQuery = (sql) => {
      if (sql.startsWith('CREATE')) catalog.table = { ...foreign }
      return undefined
    }

    await expect(ensureTable(athenaPlan(), context())).rejects.toThrow(
      'Table default.cloudtrail_report exists but was not created by this action'
    )
    expect(catalog.queries).toHaveLength(1)
    expect(catalog.table).toEqual(foreign)
  })
})

/** The properties of a table this action created, as Glue keeps them (no DDL time here). */
const OWN_TABLE_WITHOUT_DDL_TIME = Object.fromEntries(
  Object.entries(OWN_TABLE).filter(([key]) => key !== 'transient_lastDdlTime' && key !== 'EXTERNAL')
)

describe('when GetTableMetadata cannot be used', () => {
  it('reads the marker with SHOW TBLPROPERTIES instead, and issues no DDL on a warm table', async () => {
    const catalog = new FakeCatalog(OWN_TABLE)
    athenaMock.on(GetTableMetadataCommand).rejects(lookupDenied())
    const plan = athenaPlan()

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([])
    expect(catalog.queries).toEqual([showTablePropertiesStatement(plan.table)])
    expect(log.warnings).toEqual([
      'Could not look up table default.cloudtrail_report with GetTableMetadata (is not permitted: You are not authorized to perform: athena:GetTableMetadata on the resource. After your AWS administrator or you have updated your permissions, please try again.); reading its properties with SHOW TBLPROPERTIES instead. Allow athena:GetTableMetadata to save that query on every run.'
    ])
  })

  it('creates a missing table and reads it back the same way', async () => {
    const catalog = new FakeCatalog()
    athenaMock.on(GetTableMetadataCommand).rejects(lookupDenied())
    const plan = athenaPlan()

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([createTableStatement(plan)])
    expect(catalog.queries).toEqual([
      showTablePropertiesStatement(plan.table),
      createTableStatement(plan),
      showTablePropertiesStatement(plan.table)
    ])
  })

  it('falls back the same way when the endpoint does not implement the lookup', async () => {
    // What the SDK throws for moto's "not implemented" page: an HTML 500 it cannot parse.
    const notImplemented = Object.assign(
      new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'),
      { $metadata: { httpStatusCode: 500 } }
    )
    const catalog = new FakeCatalog(OWN_TABLE)
    athenaMock.on(GetTableMetadataCommand).rejects(notImplemented)

    expect(await ensureTable(athenaPlan(), context())).toEqual([])
    expect(catalog.queries).toHaveLength(1)
    expect(log.warnings[0]).toMatch(
      /^Could not look up table default\.cloudtrail_report with GetTableMetadata \(is not available: HTTP 500, SyntaxError\); /
    )
  })

  it('refuses a foreign table it can only read with SHOW TBLPROPERTIES', async () => {
    const catalog = new FakeCatalog({ EXTERNAL: 'TRUE', 'projection.enabled': 'true' })
    athenaMock.on(GetTableMetadataCommand).rejects(lookupDenied())

    await expect(ensureTable(athenaPlan(), context())).rejects.toThrow(
      'Table default.cloudtrail_report exists but was not created by this action'
    )
    expect(catalog.queries).toEqual([showTablePropertiesStatement(athenaPlan().table)])
  })

  it('changes nothing and names the permissions when the properties cannot be read at all', async () => {
    const catalog = new FakeCatalog(OWN_TABLE)
    athenaMock.on(GetTableMetadataCommand).rejects(lookupDenied())
    catalog.failQuery = () =>
      'FAILED: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ci/run is not authorized to perform: glue:GetTable'

    await expect(ensureTable(athenaPlan(), context())).rejects.toThrow(
      /^Cannot read the properties of table default\.cloudtrail_report, so it is not created or changed: this action alters only a table it can see it manages\. GetTableMetadata is not permitted: .*; SHOW TBLPROPERTIES failed: Athena query q-1 FAILED: FAILED: AccessDeniedException: .* is not authorized to perform: glue:GetTable .*\. Allow athena:GetTableMetadata, or glue:GetTable on the table \(which SHOW TBLPROPERTIES needs\)$/
    )
    expect(catalog.queries).toEqual([showTablePropertiesStatement(athenaPlan().table)])
  })

  it('fails on any other lookup error, naming it', async () => {
    const catalog = new FakeCatalog()
    athenaMock.on(GetTableMetadataCommand).rejects(
      new InvalidRequestException({
        message: 'Catalog AwsDataCatalg does not exist',
        $metadata: { httpStatusCode: 400 }
      })
    )

    await expect(ensureTable(athenaPlan(), context())).rejects.toThrow(
      'Athena GetTableMetadata failed: InvalidRequestException: Catalog AwsDataCatalg does not exist'
    )
    expect(catalog.queries).toEqual([])
  })
})

describe('with manual partitioning', () => {
  const manual = (): AthenaSettings => athenaPlan({ partitioning: 'manual' })

  it('creates the classic table if it does not exist and adds the partitions of the window', async () => {
    const catalog = new FakeCatalog()
    const plan = manual()

    const ddl = await ensureTable(plan, context())

    expect(ddl).toEqual([createTableStatement(plan), ...addPartitionsStatements(plan)])
    expect(catalog.queries).toEqual(ddl)
  })

  it('adds the partitions to its existing table', async () => {
    new FakeCatalog({
      EXTERNAL: 'TRUE',
      'cloudtrail-athena-report.managed': 'true',
      'cloudtrail-athena-report.schema-version': '1'
    })
    const plan = manual()

    expect(await ensureTable(plan, context())).toEqual(addPartitionsStatements(plan))
  })

  it('turns projection off first on a table it created with projection', async () => {
    new FakeCatalog(OWN_TABLE)
    const plan = manual()

    expect(await ensureTable(plan, context())).toEqual([
      "ALTER TABLE `default`.`cloudtrail_report` SET TBLPROPERTIES (\n  'projection.enabled' = 'false'\n)",
      ...addPartitionsStatements(plan)
    ])
  })
})
