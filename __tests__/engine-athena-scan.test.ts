import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  MetadataException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryResultsOutput,
  type QueryExecution
} from '@aws-sdk/client-athena'
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type GetObjectCommandOutput
} from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { PassThrough, Readable } from 'node:stream'
import { beforeEach, describe, expect, it } from 'vitest'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { testRule } from '../__fixtures__/rule.js'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { scanWithAthena, type AthenaScanContext } from '../src/engine/athena/scan.js'
import type { AthenaSettings } from '../src/plan/plan.js'
import {
  aggregationQuery,
  createTableStatement,
  projectionProperties
} from '../src/engine/athena/sql.js'

const athena = new AthenaClient({ region: 'eu-west-1' })
const s3 = new S3Client({ region: 'eu-west-1' })
const athenaMock = mockClient(athena)
const s3Mock = mockClient(s3)
let log: RecordingLog

const HEADER =
  '"account","region","eventsource","eventname","eventdate","errorcode","identitytype","principal","actor","rules","events","records","first","last","evidence"\n'

const EVIDENCE = [
  {
    eventtime: '2024-03-10T08:00:00Z',
    eventid: 'e-1',
    sourceipaddress: '203.0.113.7',
    useragent: 'aws-cli/2.15.0 "quoted"',
    resources: 'arn:aws:s3:::b arn:aws:s3:::b/k',
    requestparameters: '{"bucketName":"b"}'
  }
]
/** The evidence column as the query writes it: JSON arrays of the evidence fields, in order. */
const EVIDENCE_JSON = JSON.stringify(EVIDENCE.map((item) => Object.values(item)))

/** Two rows as Athena writes them: every value quoted, quotes doubled, NULL as an empty field. */
const RESULT =
  HEADER +
  '"111122223333","eu-west-1","sts.amazonaws.com","AssumeRole","2024-03-10","","AWSService","lambda.amazonaws.com","lambda.amazonaws.com","","42","42","","",""\n' +
  '"111122223333","us-east-1","s3.amazonaws.com","GetObject","2024-03-10","AccessDenied","AssumedRole","arn:aws:iam::111122223333:role/a ""quoted"", role",,"s3-denied","7","9","2024-03-10T08:00:00Z","2024-03-10T09:00:00Z",' +
  `"${EVIDENCE_JSON.replaceAll('"', '""')}"\n`

const ROWS: AggregateRow[] = [
  {
    account: '111122223333',
    region: 'eu-west-1',
    eventsource: 'sts.amazonaws.com',
    eventname: 'AssumeRole',
    eventdate: '2024-03-10',
    errorcode: '',
    identitytype: 'AWSService',
    principal: 'lambda.amazonaws.com',
    actor: 'lambda.amazonaws.com',
    rules: '',
    events: 42,
    records: 42,
    first: '',
    last: '',
    evidence: []
  },
  {
    account: '111122223333',
    region: 'us-east-1',
    eventsource: 's3.amazonaws.com',
    eventname: 'GetObject',
    eventdate: '2024-03-10',
    errorcode: 'AccessDenied',
    identitytype: 'AssumedRole',
    principal: 'arn:aws:iam::111122223333:role/a "quoted", role',
    actor: '',
    rules: 's3-denied',
    events: 7,
    records: 9,
    first: '2024-03-10T08:00:00Z',
    last: '2024-03-10T09:00:00Z',
    evidence: EVIDENCE
  }
]

/** The table `athenaPlan()` needs, as Athena describes it once created. */
const COVERING_TABLE = {
  EXTERNAL: 'TRUE',
  'cloudtrail-athena-report.managed': 'true',
  'cloudtrail-athena-report.schema-version': '1',
  ...projectionProperties({ bucket: 'trail-logs', prefix: '', organizationId: '' })
}

// The SDK's Node body is an http.IncomingMessage, a Readable; nothing else of it is used.
const body = (stream: Readable): GetObjectCommandOutput['Body'] =>
  stream as unknown as GetObjectCommandOutput['Body']

function context(overrides: Partial<AthenaScanContext> = {}): AthenaScanContext {
  return {
    athena,
    s3,
    log,
    signal: new AbortController().signal,
    sleep: async () => undefined,
    random: () => 0,
    ...overrides
  }
}

function succeeded(id: string, outputLocation?: string): { QueryExecution: QueryExecution } {
  return {
    QueryExecution: {
      QueryExecutionId: id,
      Status: { State: 'SUCCEEDED' },
      ResultConfiguration: {
        OutputLocation: outputLocation ?? `s3://athena-results/cloudtrail/${id}.csv`
      },
      Statistics: { DataScannedInBytes: 1_048_576 }
    }
  }
}

function queriesRun(): (string | undefined)[] {
  return athenaMock
    .commandCalls(StartQueryExecutionCommand)
    .map((call) => call.args[0].input.QueryString)
}

async function collect(rows: AsyncIterable<AggregateRow>): Promise<AggregateRow[]> {
  const all: AggregateRow[] = []
  for await (const row of rows) all.push(row)
  return all
}

async function scan(
  plan: AthenaSettings = athenaPlan(),
  overrides: Partial<AthenaScanContext> = {}
) {
  const result = await scanWithAthena(plan, context(overrides))
  return { ...result, rows: await collect(result.rows) }
}

beforeEach(() => {
  athenaMock.reset()
  s3Mock.reset()
  log = recordingLog()
  let started = 0
  athenaMock
    .on(StartQueryExecutionCommand)
    .callsFake(() => ({ QueryExecutionId: `q-${++started}` }))
  athenaMock
    .on(GetQueryExecutionCommand)
    .callsFake(({ QueryExecutionId }: { QueryExecutionId: string }) => succeeded(QueryExecutionId))
  athenaMock
    .on(GetTableMetadataCommand)
    .resolves({ TableMetadata: { Name: 'cloudtrail_report', Parameters: COVERING_TABLE } })
  s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: body(Readable.from([RESULT])) }))
})

describe('a cold run', () => {
  it('creates the table, runs the aggregation and streams its rows from the result CSV', async () => {
    athenaMock
      .on(GetTableMetadataCommand)
      .rejectsOnce(
        new MetadataException({
          message:
            'Entity Not Found (Service: AmazonDataCatalog; Status Code: 400; Error Code: EntityNotFoundException)',
          $metadata: { httpStatusCode: 400 }
        })
      )
      .resolves({ TableMetadata: { Name: 'cloudtrail_report', Parameters: COVERING_TABLE } })
    const plan = athenaPlan()

    const result = await scan(plan)

    expect(queriesRun()).toEqual([createTableStatement(plan), aggregationQuery(plan)])
    expect(s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'athena-results', Key: 'cloudtrail/q-2.csv' }
    ])
    expect(result).toEqual({
      rows: ROWS,
      queryExecutionId: 'q-2',
      dataScannedBytes: 1_048_576,
      athenaRegion: 'eu-west-1',
      resultReused: false
    })
    expect(log.groups).toEqual([
      'Athena table default.cloudtrail_report',
      'Athena aggregation query'
    ])
    expect(log.infos).toContain(
      'Athena query q-2 succeeded, 1.0 MiB scanned; result: s3://athena-results/cloudtrail/q-2.csv'
    )
  })
})

describe('an old window', () => {
  it('counts the log files Athena skips because they are archived, with a bounded listing, and says so', async () => {
    const folder = (region: string, day: string) =>
      `AWSLogs/111122223333/CloudTrail/${region}/2024/03/${day}/`
    const file = (region: string, day: string, name: string, StorageClass: string) => ({
      Key: `${folder(region, day)}111122223333_CloudTrail_${region}_${name}.json.gz`,
      StorageClass: StorageClass as 'STANDARD'
    })
    s3Mock
      .on(ListObjectsV2Command)
      .resolves({})
      .on(ListObjectsV2Command, { Prefix: folder('eu-west-1', '10') })
      .resolves({
        Contents: [
          file('eu-west-1', '10', 'a', 'GLACIER'),
          file('eu-west-1', '10', 'b', 'DEEP_ARCHIVE'),
          file('eu-west-1', '10', 'c', 'STANDARD_IA'),
          file('eu-west-1', '10', 'd', 'GLACIER_IR'),
          // A digest is no log file of the window.
          { Key: `${folder('eu-west-1', '10')}sub/x.json.gz`, StorageClass: 'GLACIER' }
        ]
      })
      .on(ListObjectsV2Command, { Prefix: folder('us-east-1', '11') })
      .resolves({ Contents: [file('us-east-1', '11', 'e', 'INTELLIGENT_TIERING')] })

    const result = await scan(athenaPlan({ checkArchived: true }))

    expect(result.archived).toEqual({ files: 2, maybe: 1, complete: true })
    // One listing per day folder: two regions, the day and the next.
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(4)
    expect(log.warnings).toEqual([
      '2 log files of the window are archived (S3 Glacier Flexible Retrieval, Deep Archive or an Intelligent-Tiering archive tier) and were not read: the counts leave out their events. Restore them to count them; 1 log file is in S3 Intelligent-Tiering, whose archive tiers Athena does not read either'
    ])
  })

  it('goes on, saying the counts may be short, when the storage classes cannot be listed', async () => {
    s3Mock.on(ListObjectsV2Command).rejects(
      Object.assign(new Error('Access Denied'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 }
      })
    )

    const result = await scan(athenaPlan({ checkArchived: true }))

    expect(result.rows).toEqual(ROWS)
    expect(result.archived).toEqual({
      files: 0,
      maybe: 0,
      complete: false,
      unchecked:
        'S3 ListObjectsV2 failed: AccessDenied: Access Denied (checking the storage class of the log files in s3://trail-logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/10/)'
    })
    expect(log.warnings).toEqual([
      "The storage classes of the window's log files could not be checked (S3 ListObjectsV2 failed: AccessDenied: Access Denied (checking the storage class of the log files in s3://trail-logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/10/)): archived files, which Athena skips, may be missing from the counts"
    ])
  })

  it('asks Athena to reuse a recent identical result, and reports that it did', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: { State: 'SUCCEEDED' },
        ResultConfiguration: { OutputLocation: 's3://athena-results/cloudtrail/q-0.csv' },
        Statistics: {
          DataScannedInBytes: 0,
          ResultReuseInformation: { ReusedPreviousResult: true }
        }
      }
    })

    const result = await scan(athenaPlan({ resultReuseMinutes: 1440 }))

    expect(
      athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ResultReuseConfiguration
    ).toEqual({ ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 1440 } })
    expect(result).toMatchObject({ dataScannedBytes: 0, resultReused: true, rows: ROWS })
    expect(log.infos).toContain(
      'Athena reused the result of an identical query run within the last 1440 minutes (result-reuse-minutes): nothing scanned'
    )
  })
})

describe('a warm run', () => {
  it('issues exactly one Athena query, the aggregation, and no DDL', async () => {
    const plan = athenaPlan()

    const result = await scan(plan)

    expect(queriesRun()).toEqual([aggregationQuery(plan)])
    expect(athenaMock.commandCalls(GetTableMetadataCommand)).toHaveLength(1)
    expect(athenaMock.commandCalls(GetQueryExecutionCommand)).toHaveLength(1)
    expect(result.rows).toEqual(ROWS)
  })

  it('reads the result where the execution says it is, which the workgroup may decide', async () => {
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(succeeded('q-1', 's3://workgroup-results/enforced/q-1.csv'))

    await scan()

    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'workgroup-results',
      Key: 'enforced/q-1.csv'
    })
  })

  it('yields the first row before the whole result has arrived', async () => {
    const arriving = new PassThrough()
    s3Mock.on(GetObjectCommand).resolves({ Body: body(arriving) })
    // Cut inside the last row: the parser reads a few characters past a line end before it
    // emits the record (the end might be a \r\n).
    const cut = RESULT.indexOf('us-east-1')
    arriving.write(RESULT.slice(0, cut))

    const { rows } = await scanWithAthena(athenaPlan(), context())
    const iterator = rows[Symbol.asyncIterator]()
    const first = await iterator.next()
    arriving.end(RESULT.slice(cut))
    const rest = await collect({ [Symbol.asyncIterator]: () => iterator })

    expect(first).toEqual({ done: false, value: ROWS[0] })
    expect(rest).toEqual([ROWS[1]])
  })
})

describe('a run that goes wrong', () => {
  it('fails before any AWS call when the query is too long for Athena (too many rules)', async () => {
    const long = testRule('long', {
      condition: {
        kind: 'match',
        field: { path: 'eventName', source: { kind: 'column', column: 'eventname', keys: [] } },
        test: { kind: 'pattern', parts: [{ text: 'x'.repeat(300_000) }], cased: true }
      }
    })

    await expect(scan(athenaPlan({ rules: [long] }))).rejects.toThrow(
      /^Input 'rules' makes the Athena query [\d,]+ bytes long \(1 rule\), over Athena's limit of 262,144 bytes/
    )
    expect(athenaMock.calls()).toEqual([])
    expect(s3Mock.calls()).toEqual([])
  })

  it('refuses a table of the same name that it did not create', async () => {
    const foreign = Object.fromEntries(
      Object.entries(COVERING_TABLE).filter(([key]) => key !== 'cloudtrail-athena-report.managed')
    )
    athenaMock
      .on(GetTableMetadataCommand)
      .resolves({ TableMetadata: { Name: 'cloudtrail_report', Parameters: foreign } })

    await expect(scan()).rejects.toThrow(
      "Table default.cloudtrail_report exists but was not created by this action (it lacks the table property 'cloudtrail-athena-report.managed'), so it is left alone: choose another 'table', or drop it"
    )
    expect(queriesRun()).toEqual([])
  })

  it('reads the table with SHOW TBLPROPERTIES, with a warning, when it cannot look it up', async () => {
    athenaMock
      .on(GetTableMetadataCommand)
      .rejects(
        Object.assign(new SyntaxError('Unexpected token'), { $metadata: { httpStatusCode: 500 } })
      )
    athenaMock.on(GetQueryResultsCommand, { QueryExecutionId: 'q-1' }).resolves({
      ResultSet: {
        Rows: Object.entries(COVERING_TABLE).map(([key, value]) => ({
          Data: [{ VarCharValue: `${key}\t${value}` }]
        }))
      }
    })
    const plan = athenaPlan()

    await scan(plan)

    expect(queriesRun()).toEqual([
      'SHOW TBLPROPERTIES `default`.`cloudtrail_report`',
      aggregationQuery(plan)
    ])
    expect(log.warnings).toHaveLength(1)
  })

  it('fails with the AthenaError when the aggregation fails', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: {
          State: 'FAILED',
          StateChangeReason: 'HIVE_CURSOR_ERROR: Row is not a valid JSON Object',
          AthenaError: { ErrorCategory: 2, ErrorType: 1002, Retryable: false }
        }
      }
    })

    await expect(scan()).rejects.toThrow(
      'Athena query q-1 FAILED: HIVE_CURSOR_ERROR: Row is not a valid JSON Object [AthenaError category 2 (user), type 1002, retryable false]'
    )
  })

  it('resubmits the aggregation once when its failure is retryable', async () => {
    athenaMock.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-1' }).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: {
          State: 'FAILED',
          StateChangeReason: 'Query exhausted resources at this scale factor',
          AthenaError: { ErrorCategory: 1, ErrorType: 1, Retryable: true }
        }
      }
    })

    const result = await scan()

    expect(result.queryExecutionId).toBe('q-2')
    expect(queriesRun()).toEqual([aggregationQuery(athenaPlan()), aggregationQuery(athenaPlan())])
  })

  it('stops the aggregation when the run is cancelled', async () => {
    const cancel = new AbortController()
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'RUNNING' } }
    })
    athenaMock.on(StopQueryExecutionCommand).resolves({})
    const sleep = async (): Promise<void> => cancel.abort(new Error('Cancelled by SIGINT'))

    await expect(scan(athenaPlan(), { signal: cancel.signal, sleep })).rejects.toThrow(
      'Athena query q-1 was stopped with StopQueryExecution: Cancelled by SIGINT'
    )
    expect(athenaMock.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryExecutionId: 'q-1'
    })
  })

  it('stops reading the result CSV when the run is cancelled, and says so', async () => {
    const cancel = new AbortController()
    const arriving = new PassThrough()
    s3Mock.on(GetObjectCommand).resolves({ Body: body(arriving) })
    arriving.write(RESULT)

    const { rows } = await scanWithAthena(athenaPlan(), context({ signal: cancel.signal }))
    const iterator = rows[Symbol.asyncIterator]()
    const first = await iterator.next()
    cancel.abort(new Error('Cancelled by SIGINT'))

    expect(first).toEqual({ done: false, value: ROWS[0] })
    await expect(iterator.next()).rejects.toThrow(
      'Stopped reading the result of Athena query q-1: Cancelled by SIGINT'
    )
    expect(arriving.destroyed).toBe(true)
  })

  it('fails clearly when the result has other columns than the aggregate', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: body(Readable.from(['"awsregion","eventsource","eventname","eventtime","count"\n']))
    })

    await expect(scan()).rejects.toThrow(
      'The result of Athena query q-1 (s3://athena-results/cloudtrail/q-1.csv) has the columns awsregion, eventsource, eventname, eventtime, count; expected account, region, eventsource, eventname, eventdate, errorcode, identitytype, principal, actor, rules, events, records, first, last, evidence'
    )
  })

  it('fails on a count that is not a whole number, naming the line', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: body(
        Readable.from([`${HEADER}"1","r","s","n","d","","t","p","","","many","1","","",""\n`])
      )
    })

    await expect(scan()).rejects.toThrow(
      'line 2 of the result of Athena query q-1 (s3://athena-results/cloudtrail/q-1.csv): events is "many", not a whole number'
    )
  })

  it('fails on a records count that is not a whole number, naming the line', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: body(
        Readable.from([`${HEADER}"1","r","s","n","d","","t","p","","","1","-1","","",""\n`])
      )
    })

    await expect(scan()).rejects.toThrow(
      'line 2 of the result of Athena query q-1 (s3://athena-results/cloudtrail/q-1.csv): records is "-1", not a whole number'
    )
  })

  it('fails on evidence that is not what the query writes, naming the line', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: body(
        Readable.from([
          `${HEADER}"1","r","s","n","d","","t","p","","x","1","1","","","[[""e-1""]]"\n`
        ])
      )
    })

    await expect(scan()).rejects.toThrow(
      'line 2 of the result of Athena query q-1 (s3://athena-results/cloudtrail/q-1.csv): evidence is not a JSON array of arrays of 6 strings (not so at item 1): "[[\\"e-1\\"]]"'
    )
  })

  it('fails on an empty result file', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body(Readable.from([''])) })

    await expect(scan()).rejects.toThrow(
      'The result of Athena query q-1 (s3://athena-results/cloudtrail/q-1.csv) is empty: it lacks even its header'
    )
  })
})

/** A succeeded execution in a workgroup with managed query results: no S3 location at all. */
function succeededManaged(id: string): { QueryExecution: QueryExecution } {
  return {
    QueryExecution: {
      QueryExecutionId: id,
      Status: { State: 'SUCCEEDED' },
      ManagedQueryResultsConfiguration: { Enabled: true },
      ResultConfiguration: {},
      Statistics: { DataScannedInBytes: 1_048_576 }
    }
  }
}

const HEADER_CELLS = HEADER.trim()
  .split(',')
  .map((cell) => cell.replaceAll('"', ''))

/** A GetQueryResults page: rows of cells, `null` for a NULL (a datum without VarCharValue). */
function page(
  rows: readonly (readonly (string | null)[])[],
  nextToken?: string
): GetQueryResultsOutput {
  return {
    ResultSet: {
      Rows: rows.map((cells) => ({
        Data: cells.map((cell) => (cell === null ? {} : { VarCharValue: cell }))
      }))
    },
    NextToken: nextToken
  }
}

const cellsOf = (row: AggregateRow): (string | null)[] => [
  row.account,
  row.region,
  row.eventsource,
  row.eventname,
  row.eventdate,
  row.errorcode === '' ? null : row.errorcode,
  row.identitytype,
  row.principal,
  row.actor === '' ? null : row.actor,
  row.rules,
  String(row.events),
  String(row.records),
  row.first,
  row.last,
  row.evidence.length === 0 ? null : JSON.stringify(row.evidence.map((item) => Object.values(item)))
]

const THIRD_ROW: AggregateRow = {
  ...ROWS[0]!,
  region: 'us-west-2',
  eventname: 'GetCallerIdentity',
  events: 3,
  records: 3
}

function pagesCalled(): { QueryExecutionId?: string; MaxResults?: number; NextToken?: string }[] {
  return athenaMock.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input)
}

describe('a workgroup that manages query results', () => {
  beforeEach(() => {
    athenaMock
      .on(GetQueryExecutionCommand)
      .callsFake(({ QueryExecutionId }: { QueryExecutionId: string }) =>
        succeededManaged(QueryExecutionId)
      )
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce(page([HEADER_CELLS, cellsOf(ROWS[0]!)], 'token-2'))
      .resolvesOnce(page([cellsOf(ROWS[1]!)], 'token-3'))
      .resolvesOnce(page([cellsOf(THIRD_ROW)]))
  })

  it('pages through GetQueryResults, skipping the header row, and reads nothing from S3', async () => {
    const result = await scan()

    expect(result.rows).toEqual([...ROWS, THIRD_ROW])
    expect(pagesCalled()).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: undefined },
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'token-2' },
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'token-3' }
    ])
    expect(s3Mock.commandCalls(GetObjectCommand)).toEqual([])
    expect(log.infos).toContain(
      'Athena query q-1 succeeded, 1.0 MiB scanned; result: managed by the workgroup, read with GetQueryResults'
    )
  })

  it('asks for the next page only once the rows of the previous one are consumed', async () => {
    const { rows } = await scanWithAthena(athenaPlan(), context())
    const iterator = rows[Symbol.asyncIterator]()

    const first = await iterator.next()
    const callsAfterFirstRow = pagesCalled().length
    const second = await iterator.next()

    expect(first).toEqual({ done: false, value: ROWS[0] })
    expect(callsAfterFirstRow).toBe(1)
    expect(second).toEqual({ done: false, value: ROWS[1] })
    expect(pagesCalled()).toHaveLength(2)
  })

  it('uses GetQueryResults even when the managed execution also shows a location', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        ...succeededManaged('q-1').QueryExecution,
        ResultConfiguration: { OutputLocation: 's3://athena-owned/q-1.csv' }
      }
    })

    const result = await scan()

    expect(result.rows).toEqual([...ROWS, THIRD_ROW])
    expect(s3Mock.commandCalls(GetObjectCommand)).toEqual([])
  })

  it('fails naming the call and the query when a page still fails after the SDK retried it', async () => {
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce(page([HEADER_CELLS, cellsOf(ROWS[0]!)], 'token-2'))
      .rejectsOnce(
        Object.assign(new Error('Rate exceeded'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400, attempts: 6 }
        })
      )

    const result = scan()

    await expect(result).rejects.toThrow(
      'Athena GetQueryResults failed after 6 attempts: ThrottlingException: Rate exceeded (query q-1)'
    )
    expect(pagesCalled().map((call) => call.NextToken)).toEqual([undefined, 'token-2'])
  })

  it('asks for no further page once the run is cancelled, and says so', async () => {
    const cancel = new AbortController()
    const { rows } = await scanWithAthena(athenaPlan(), context({ signal: cancel.signal }))
    const iterator = rows[Symbol.asyncIterator]()

    await iterator.next()
    cancel.abort(new Error('Cancelled by SIGTERM'))

    await expect(iterator.next()).rejects.toThrow(
      'Stopped reading the result of Athena query q-1: Cancelled by SIGTERM'
    )
    expect(pagesCalled()).toHaveLength(1)
  })

  it('fails clearly when the first row is not the aggregate header', async () => {
    athenaMock
      .on(GetQueryResultsCommand)
      .resolves(page([['awsregion', 'eventsource', 'eventname', 'eventtime', 'count']]))

    await expect(scan()).rejects.toThrow(
      'The result of Athena query q-1 (GetQueryResults) has the columns awsregion, eventsource, eventname, eventtime, count; expected account, region, eventsource, eventname, eventdate, errorcode, identitytype, principal, actor, rules, events, records, first, last, evidence'
    )
  })

  it('fails on a row with too few values, naming it', async () => {
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce(page([HEADER_CELLS], 'token-2'))
      .resolvesOnce(page([['111122223333', 'eu-west-1', '42']]))

    await expect(scan()).rejects.toThrow(
      'row 2 of the result of Athena query q-1 (GetQueryResults) has 3 values; expected 15'
    )
  })

  it('fails on a result without even its header', async () => {
    athenaMock.on(GetQueryResultsCommand).resolves(page([]))

    await expect(scan()).rejects.toThrow(
      'The result of Athena query q-1 (GetQueryResults) is empty: it lacks even its header'
    )
  })
})
