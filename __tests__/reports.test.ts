import { describe, expect, it } from 'vitest'
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
    flag: '',
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
