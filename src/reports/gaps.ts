import { windowDays, type Window } from '../inputs/window.js'
import { ACCOUNT_GAP_RULE, REGION_GAP_RULE } from '../rules/gaps.js'
import type { Finding, RuleResult } from './findings.js'

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

/**
 * The gaps as findings, one rule per level: each gap is a finding whose `eventtime` is its day,
 * listed up to `limit` (the counts stay exact), in the order `gaps` gives.
 */
export function gapResults(gaps: readonly Gap[], limit: number): RuleResult[] {
  return [ACCOUNT_GAP_RULE, REGION_GAP_RULE].flatMap((rule) => {
    const found = gaps.filter((gap) => gap.level === rule.level)
    if (found.length === 0) return []
    const days = found.map((gap) => gap.day).sort()
    const listed = found.slice(0, limit).map((gap): Finding => ({
      rule,
      eventtime: gap.day,
      eventid: '',
      sourceipaddress: '',
      useragent: '',
      resources: '',
      requestparameters: '',
      account: gap.account,
      region: gap.region,
      eventsource: '',
      eventname: '',
      outcome: '',
      errorcode: '',
      principal: '',
      actor: ''
    }))
    return [
      {
        rule,
        findings: found.length,
        success: 0,
        denied: 0,
        error: 0,
        first: days[0] as string,
        last: days[days.length - 1] as string,
        principals: [],
        actors: [],
        listed
      }
    ]
  })
}
