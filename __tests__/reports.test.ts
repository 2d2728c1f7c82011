import { describe, expect, it } from 'vitest'
import { testRule } from '../__fixtures__/rule.js'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { buildReports, reportFiles } from '../src/reports/index.js'
import { csvLine } from '../src/reports/csv.js'

function row(partial: Partial<AggregateRow> & { events: number }): AggregateRow {
  return {
    account: '111122223333',
    region: 'us-east-1',
    eventsource: 's3.amazonaws.com',
    eventname: 'GetObject',
    eventdate: '2026-11-22',
    errorcode: '',
    identitytype: 'AssumedRole',
    principal: 'arn:aws:iam::111122223333:role/app',
    actor: '',
    rules: '',
    first: '',
    last: '',
    evidence: [],
    records: partial.events,
    ...partial
  }
}

async function* stream(rows: AggregateRow[]): AsyncIterable<AggregateRow> {
  yield* rows
}

describe('events.csv', () => {
  it('sums the aggregate per region, source, name and date, largest first, ties ascending', async () => {
    const reports = await buildReports(
      stream([
        row({ events: 3 }),
        row({ events: 2, errorcode: 'AccessDenied' }),
        row({ events: 5, eventname: 'PutObject' }),
        row({ events: 5, region: 'eu-west-1', eventname: 'PutObject' }),
        row({ events: 1, eventsource: 'iam.amazonaws.com', eventname: 'CreateUser' }),
        row({ events: 4, eventdate: '2026-11-21' })
      ])
    )
    expect(reports.totalEvents).toBe(20)
    expect(reportFiles(reports)['events.csv']).toBe(
      [
        '"awsregion","eventsource","eventname","eventtime","count"',
        '"eu-west-1","s3.amazonaws.com","PutObject","2026-11-22","5"',
        '"us-east-1","s3.amazonaws.com","GetObject","2026-11-22","5"',
        '"us-east-1","s3.amazonaws.com","PutObject","2026-11-22","5"',
        '"us-east-1","s3.amazonaws.com","GetObject","2026-11-21","4"',
        '"us-east-1","iam.amazonaws.com","CreateUser","2026-11-22","1"',
        ''
      ].join('\n')
    )
  })

  it('writes only the header when there are no events', async () => {
    const reports = await buildReports(stream([]))
    expect(reportFiles(reports)['events.csv']).toBe(
      '"awsregion","eventsource","eventname","eventtime","count"\n'
    )
  })

  it('doubles quotes and keeps commas and line breaks inside the quotes', () => {
    expect(csvLine(['a"b', 'c,d', 'e\nf', 7])).toBe('"a""b","c,d","e\nf","7"\n')
  })

  it('counts regions and days', async () => {
    const reports = await buildReports(
      stream([
        row({ events: 2, eventdate: '2026-11-23' }),
        row({ events: 7, region: 'eu-west-1', eventdate: '2026-11-22' })
      ])
    )
    expect(reports.regions).toEqual([
      { key: ['eu-west-1'], count: 7 },
      { key: ['us-east-1'], count: 2 }
    ])
    expect(reports.days).toEqual([
      { key: ['2026-11-22'], count: 7 },
      { key: ['2026-11-23'], count: 2 }
    ])
  })
})

describe('the findings files', () => {
  it('are written from the rows with rules, beside the other reports; no flags.csv', async () => {
    const rule = testRule('bucket-read-denied', { level: 'high', title: 'Bucket read denied' })
    const reports = await buildReports(
      stream([
        row({ events: 9 }),
        row({
          errorcode: 'AccessDenied',
          actor: 'app-session',
          rules: 'bucket-read-denied',
          first: '2026-11-22T10:00:00Z',
          last: '2026-11-22T11:00:00Z',
          events: 2,
          evidence: [
            {
              eventtime: '2026-11-22T10:00:00Z',
              eventid: 'e-1',
              sourceipaddress: '203.0.113.7',
              useragent: 'aws-cli/2.15.0',
              resources: 'arn:aws:s3:::data/a',
              requestparameters: '{"bucketName":"data"}'
            }
          ]
        })
      ]),
      { rules: [rule], evidenceLimit: 100 }
    )
    const files = reportFiles(reports)
    expect(Object.keys(files).sort()).toEqual([
      'errors.csv',
      'events.csv',
      'findings.csv',
      'findings.json',
      'principals.csv',
      'rules.csv',
      'suppressed.csv'
    ])
    expect(files['findings.csv']).toBe(
      [
        '"level","rule","title","eventtime","eventid","account","region","eventsource","eventname","outcome","errorcode","principal","actor","sourceipaddress","useragent","resources","requestparameters"',
        '"high","bucket-read-denied","Bucket read denied","2026-11-22T10:00:00Z","e-1","111122223333","us-east-1","s3.amazonaws.com","GetObject","denied","AccessDenied","arn:aws:iam::111122223333:role/app","app-session","203.0.113.7","aws-cli/2.15.0","arn:aws:s3:::data/a","{""bucketName"":""data""}"',
        ''
      ].join('\n')
    )
    expect(files['rules.csv']).toBe(
      [
        '"level","rule","title","author","tags","findings","success","denied","error","first","last","principals"',
        '"high","bucket-read-denied","Bucket read denied","cloudtrail-athena-report","","2","0","2","0","2026-11-22T10:00:00Z","2026-11-22T11:00:00Z","arn:aws:iam::111122223333:role/app"',
        ''
      ].join('\n')
    )
  })
})
