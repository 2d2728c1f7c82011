import { windowDays, type Window } from '../inputs/window.js'

/**
 * A day without events where events were expected: a trail that stopped, a bucket policy that
 * blocks delivery, an account that left the organization. `high` when an account has no event at
 * all that day; `low` when only a region is silent that had events on other days of the window.
 */
export interface Gap {
  readonly level: 'high' | 'low'
  readonly account: string
  /** `''` for a whole account-day. */
  readonly region: string
  readonly day: string
}

/** Events per account-day and per account-region-day, from the aggregate rows. */
export class GapTally {
  private readonly accountDays = new Set<string>()
  private readonly regionDays = new Set<string>()
  private readonly regionsSeen = new Map<string, Set<string>>()

  add(row: { account: string; region: string; eventdate: string; events: number }): void {
    if (row.events === 0) return
    this.accountDays.add(JSON.stringify([row.account, row.eventdate]))
    this.regionDays.add(JSON.stringify([row.account, row.region, row.eventdate]))
    let regions = this.regionsSeen.get(row.account)
    if (regions === undefined) this.regionsSeen.set(row.account, (regions = new Set()))
    regions.add(row.region)
  }

  /**
   * Every requested account's silent days, and the silent days of each region that had events on
   * another day of the window, in account, day, region order. A region silent all window long is
   * not a gap: nothing says it is used.
   */
  gaps(window: Window, accounts: readonly string[]): Gap[] {
    const days = windowDays(window)
    const gaps: Gap[] = []
    for (const account of [...accounts].sort()) {
      const regions = [...(this.regionsSeen.get(account) ?? [])].sort()
      for (const day of days) {
        if (!this.accountDays.has(JSON.stringify([account, day]))) {
          gaps.push({ level: 'high', account, region: '', day })
          continue
        }
        for (const region of regions) {
          if (!this.regionDays.has(JSON.stringify([account, region, day]))) {
            gaps.push({ level: 'low', account, region, day })
          }
        }
      }
    }
    return gaps
  }
}
