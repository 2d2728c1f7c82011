import { windowDays, type Window } from '../inputs/window.js'
import type { Rule } from '../rules/rule.js'
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

/** The rule name of logging gaps, in the findings, `rules.csv` and `fail-on`. */
export const LOGGING_GAP = 'logging-gap'

const GAP_RULE = {
  key: LOGGING_GAP,
  id: LOGGING_GAP,
  name: LOGGING_GAP,
  author: 'cloudtrail-athena-report',
  status: 'stable',
  tags: ['attack.defense-evasion', 'attack.t1562.008'],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html'
  ],
  falsepositives: ['An account or a region that is not used every day'],
  file: '',
  builtin: true,
  // Found from the aggregate, not by matching events: a condition no event meets.
  condition: { kind: 'or', any: [] },
  threshold: undefined
} as const satisfies Omit<Rule, 'title' | 'description' | 'level'>

/** A whole account without an event for a day. */
export const ACCOUNT_GAP_RULE: Rule = {
  ...GAP_RULE,
  title: 'No events from an account for a day',
  description:
    'The account logged no event at all on a day of the window: a trail that stopped, a bucket policy that blocks delivery, or an account that left the organization.',
  level: 'high'
}

/** A region without an event for a day, when it had events on other days of the window. */
export const REGION_GAP_RULE: Rule = {
  ...GAP_RULE,
  title: 'No events from a region for a day',
  description:
    'A region that had events on other days of the window logged none on this day: a regional trail that stopped, or a region no longer used.',
  level: 'low'
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
