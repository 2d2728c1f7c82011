import { describe, expect, it } from 'vitest'
import type { AggregateRow } from '../src/aggregate.js'
import { queryCostUsd } from '../src/cost.js'
import { escapeText } from '../src/markdown.js'
import { buildReports } from '../src/reports/index.js'
import { renderSummary, type RunInfo } from '../src/summary.js'

const RUN: RunInfo = {
  window: { start: '2026-11-22', end: '2026-11-22' },
  dayBoundary: 'event-time',
  accounts: ['111122223333'],
  regions: ['eu-west-1', 'us-east-1'],
  engine: 'athena',
  top: 1,
  queryExecutionId: 'a1b2c3d4-0000-1111-2222-333344445555',
  dataScannedBytes: 123_456_789
}

function row(eventname: string, region: string, events: number): AggregateRow {
  return {
    account: '111122223333',
    region,
    eventsource: 'iam.amazonaws.com',
    eventname,
    eventdate: '2026-11-22',
    errorcode: '',
    identitytype: 'IAMUser',
    principal: 'arn:aws:iam::111122223333:user/ci',
    flag: '',
    events
  }
}

async function* stream(rows: AggregateRow[]): AsyncIterable<AggregateRow> {
  yield* rows
}

describe('summary', () => {
  it('renders the headline, the top events and every region', async () => {
    const reports = await buildReports(
      stream([row('ListUsers', 'us-east-1', 1234), row('GetUser', 'eu-west-1', 5)])
    )
    expect(renderSummary(RUN, reports)).toBe(`## CloudTrail activity, 2026-11-22

|  |  |
| --- | --- |
| Window | 2026-11-22 UTC, by event time |
| Accounts | 111122223333 |
| Regions | 2: eu-west-1, us-east-1 |
| Total events | 1,239 |
| Data scanned | 117.7 MiB (about $0.000563 at $5/TB, 10 MB minimum) |
| Athena query | \`a1b2c3d4-0000-1111-2222-333344445555\` |

### Top events

| Region | Event source | Event name | Date | Events |
| --- | --- | --- | --- | ---: |
| us-east-1 | iam.amazonaws.com | ListUsers | 2026-11-22 | 1,234 |

1 more row is in the CSV.

### Regions

| Region | Events |
| --- | ---: |
| us-east-1 | 1,234 |
| eu-west-1 | 5 |
`)
  })

  it('renders a hostile event name as text', async () => {
    const reports = await buildReports(
      stream([row('<img src=x onerror=alert(1)>|x', 'us-east-1', 1)])
    )
    expect(renderSummary(RUN, reports)).toContain(
      '| us-east-1 | iam.amazonaws.com | &lt;img src=x onerror=alert(1)&gt;\\|x | 2026-11-22 | 1 |'
    )
  })

  it('escapes markdown emphasis, code, links and line breaks', () => {
    expect(escapeText('*a* _b_ `c` [d](e) ~~f~~ \\g\nh & i')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\~\\~f\\~\\~ \\\\g h &amp; i'
    )
  })

  it('leaves out the tables when there are no events', async () => {
    const summary = renderSummary(
      { ...RUN, queryExecutionId: undefined },
      await buildReports(stream([]))
    )
    expect(summary).not.toContain('###')
    expect(summary).toContain('| Total events | 0 |')
  })

  it('prices a query at $5 per TB with a 10 MB minimum', () => {
    expect(queryCostUsd(0)).toBe(queryCostUsd(10 * 1024 ** 2))
    expect(queryCostUsd(1024 ** 4)).toBe(5)
    expect(queryCostUsd(1024 ** 4 + 1)).toBeCloseTo(5 + (5 * 1024 ** 2) / 1024 ** 4, 12)
  })
})
