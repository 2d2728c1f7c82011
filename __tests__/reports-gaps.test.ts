import { describe, expect, it } from 'vitest'
import { GapTally } from '../src/reports/gaps.js'

const A = '111122223333'
const B = '444455556666'

describe('GapTally', () => {
  it('finds an account-day without events (high) and a silent region of an active day (low)', () => {
    const tally = new GapTally()
    tally.add({ account: A, region: 'us-east-1', eventdate: '2026-11-01', events: 10 })
    tally.add({ account: A, region: 'eu-west-1', eventdate: '2026-11-01', events: 3 })
    tally.add({ account: A, region: 'us-east-1', eventdate: '2026-11-03', events: 4 })
    expect(tally.gaps({ start: '2026-11-01', end: '2026-11-03' }, [A, B])).toEqual([
      { level: 'high', account: A, region: '', day: '2026-11-02' },
      { level: 'low', account: A, region: 'eu-west-1', day: '2026-11-03' },
      { level: 'high', account: B, region: '', day: '2026-11-01' },
      { level: 'high', account: B, region: '', day: '2026-11-02' },
      { level: 'high', account: B, region: '', day: '2026-11-03' }
    ])
  })

  it('finds nothing when every account and region that is used has events every day', () => {
    const tally = new GapTally()
    for (const eventdate of ['2026-11-01', '2026-11-02']) {
      tally.add({ account: A, region: 'us-east-1', eventdate, events: 1 })
    }
    expect(tally.gaps({ start: '2026-11-01', end: '2026-11-02' }, [A])).toEqual([])
  })

  it('ignores rows without events and days outside the window', () => {
    const tally = new GapTally()
    tally.add({ account: A, region: 'us-east-1', eventdate: '2026-11-01', events: 0 })
    tally.add({ account: A, region: 'us-east-1', eventdate: '2026-10-31', events: 5 })
    expect(tally.gaps({ start: '2026-11-01', end: '2026-11-01' }, [A])).toEqual([
      { level: 'high', account: A, region: '', day: '2026-11-01' }
    ])
  })
})
