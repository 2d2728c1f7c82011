/**
 * Logging gaps are findings of two rules of their own, one per level: no event at all from an
 * account for a day (high), or from a region that had events on other days (low). They are found
 * from the aggregate (`reports/gaps.ts`), not by matching events, and share one name,
 * `logging-gap`, which `fail-on` takes and no loaded rule may have.
 */
import type { Rule } from './rule.js'

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

/** Both, for `fail-on`: `logging-gap` names both, a level one of them. */
export const GAP_RULES: readonly Rule[] = [ACCOUNT_GAP_RULE, REGION_GAP_RULE]
