import { AthenaClient } from '@aws-sdk/client-athena'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import {
  ownTableProperties,
  startMoto,
  type AthenaResult,
  type Moto
} from '../__fixtures__/moto.js'
import { athenaPlan } from '../__fixtures__/plan.js'
import { AGGREGATE_COLUMNS, type AggregateRow } from '../src/engine/aggregate.js'
import { scanWithAthena } from '../src/engine/athena/scan.js'

const REGION = 'us-east-1'
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' }

const ROW: AggregateRow = {
  account: '111122223333',
  region: 'eu-west-1',
  eventsource: 'sts.amazonaws.com',
  eventname: 'AssumeRole',
  eventdate: '2024-03-10',
  errorcode: '',
  identitytype: 'AWSService',
  principal: 'lambda.amazonaws.com',
  actor: '',
  rules: '',
  first: '',
  last: '',
  evidence: [],
  events: 42,
  records: 45
}

/** The aggregation's result as moto hands it out: the header, then one row with NULLs. */
/** SHOW TBLPROPERTIES of the table `athenaPlan()` makes. */
const TABLE = ownTableProperties(athenaPlan().layout)

const RESULT: AthenaResult = [
  [...AGGREGATE_COLUMNS],
  [
    ROW.account,
    ROW.region,
    ROW.eventsource,
    ROW.eventname,
    ROW.eventdate,
    null,
    ROW.identitytype,
    ROW.principal,
    null,
    '',
    '42',
    '45',
    '',
    '',
    null
  ]
]

let moto: Moto
let athena: AthenaClient
let s3: S3Client
let log: RecordingLog

beforeAll(async () => {
  moto = await startMoto()
  athena = new AthenaClient({ region: REGION, endpoint: moto.endpoint, credentials })
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, credentials, forcePathStyle: true })
})

afterAll(async () => {
  await moto?.stop()
})

beforeEach(async () => {
  await moto.reset()
  log = recordingLog()
})

async function scan(outputLocation: string): Promise<AggregateRow[]> {
  const result = await scanWithAthena(athenaPlan({ outputLocation }), {
    athena,
    s3,
    log,
    signal: new AbortController().signal
  })
  const rows: AggregateRow[] = []
  for await (const row of result.rows) rows.push(row)
  return rows
}

/** Which Athena and S3 reads moto saw for the result. */
async function resultReads(): Promise<string[]> {
  return (await moto.awsRequests())
    .filter(
      ({ method, target, url }) =>
        target === 'AmazonAthena.GetQueryResults' ||
        (method === 'GET' && new URL(url).pathname.startsWith('/athena-results/'))
    )
    .map(({ target, url }) => target ?? new URL(url).pathname)
}

describe('the Athena engine against moto', () => {
  it('reads the result CSV from the S3 location the execution reports', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'athena-results' }))
    // moto has no GetTableMetadata: SHOW TBLPROPERTIES finds no table, CREATE, SHOW again, query.
    await moto.queueAthenaResults(REGION, [[], [], TABLE, RESULT])

    const rows = await scan('s3://athena-results/cloudtrail/')

    expect(rows).toEqual([ROW])
    // The two SHOW TBLPROPERTIES answers are text, read with the API; the aggregation's CSV from S3.
    expect(await resultReads()).toEqual([
      'AmazonAthena.GetQueryResults',
      'AmazonAthena.GetQueryResults',
      expect.stringMatching(/^\/athena-results\/cloudtrail\/[0-9a-f-]+\.csv$/)
    ])
  })

  it('reads the result with GetQueryResults when the execution reports no S3 location', async () => {
    // With no output-location, moto's execution has no result configuration at all, as under a
    // workgroup that manages query results.
    await moto.queueAthenaResults(REGION, [[], [], TABLE, RESULT])

    const rows = await scan('')

    expect(rows).toEqual([ROW])
    // Two reads of SHOW TBLPROPERTIES, then the aggregation's.
    expect(await resultReads()).toEqual([
      'AmazonAthena.GetQueryResults',
      'AmazonAthena.GetQueryResults',
      'AmazonAthena.GetQueryResults'
    ])
    expect(log.infos).toContainEqual(
      expect.stringMatching(
        /^Athena query [0-9a-f-]+ succeeded, 0 B scanned; result: no result location reported, read with GetQueryResults$/
      )
    )
  })
})
