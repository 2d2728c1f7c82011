import { describe, expect, it } from 'vitest'
import { testRule } from '../__fixtures__/rule.js'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { InputError } from '../src/inputs/validation.js'
import { failOnMessage, resolveFailOn, type FailOnResult } from '../src/reports/fail-on.js'
import { buildReports } from '../src/reports/index.js'
import { GAP_RULES } from '../src/rules/gaps.js'
import { parseSuppressions } from '../src/rules/suppressions.js'

const id = (n: number): string => `5f1e0c3a-0000-4000-8000-00000000000${n}`
const TRAIL = testRule('cloudtrail-changes', { id: id(1), level: 'high' })
const ROOT = testRule('root-activity', { id: id(2), level: 'critical' })
const DENIED = testRule('unauthorized-calls', { id: id(3), level: 'low' })
const BURST = testRule('secrets-burst', {
  id: id(4),
  level: 'medium',
  threshold: { count: 3, per: ['principal'] }
})
const VPC = testRule('vpc-changes', { id: id(5), level: 'medium' })
const RULES = [TRAIL, ROOT, DENIED, BURST, VPC]

function row(partial: Partial<AggregateRow> & Pick<AggregateRow, 'events'>): AggregateRow {
  return {
    account: '111122223333',
    region: 'us-east-1',
    eventsource: 's3.amazonaws.com',
    eventname: 'GetObject',
    eventdate: '2026-11-22',
    errorcode: '',
    identitytype: 'AssumedRole',
    principal: 'arn:aws:iam::111122223333:role/app',
    actor: 'app',
    rules: '',
    first: '',
    last: '',
    evidence: [],
    records: partial.events,
    ...partial
  }
}

const ROWS: readonly AggregateRow[] = [
  row({ events: 900 }),
  row({
    eventsource: 'cloudtrail.amazonaws.com',
    eventname: 'StopLogging',
    rules: 'cloudtrail-changes',
    events: 2
  }),
  // Root stopped the trail: both rules, one event.
  row({
    eventsource: 'cloudtrail.amazonaws.com',
    eventname: 'StopLogging',
    identitytype: 'Root',
    principal: 'arn:aws:iam::111122223333:root',
    rules: 'cloudtrail-changes root-activity',
    events: 1
  }),
  row({ eventsource: 'iam.amazonaws.com', eventname: 'CreateAccessKey', events: 3 }),
  row({ eventsource: 'sso.amazonaws.com', eventname: 'CreateAccessKey', events: 5 }),
  row({ errorcode: 'AccessDenied', rules: 'unauthorized-calls', events: 4 }),
  // Secrets read: 3 by one principal (a burst, over two rows), 2 by another (not one).
  row({ eventname: 'GetSecretValue', rules: 'secrets-burst', events: 2, principal: 'a' }),
  row({
    eventname: 'GetSecretValue',
    rules: 'secrets-burst',
    events: 1,
    principal: 'a',
    errorcode: 'AccessDenied'
  }),
  row({ eventname: 'GetSecretValue', rules: 'secrets-burst', events: 2, principal: 'b' })
]

async function failOn(items: readonly string[]): Promise<FailOnResult | undefined> {
  async function* aggregate(): AsyncIterable<AggregateRow> {
    yield* ROWS
  }
  const reports = await buildReports(aggregate(), {
    rules: RULES,
    failOn: resolveFailOn(items, RULES)
  })
  return reports.failOn
}

describe('fail-on items', () => {
  it('are levels, rules by name or id, event names and service:event names', () => {
    expect(
      resolveFailOn(
        ['high', ROOT.id, 'cloudtrail-changes', 'StopLogging', 'iam.amazonaws.com:CreateAccessKey'],
        RULES
      )
    ).toEqual([
      { item: 'high', kind: 'level', level: 'high' },
      { item: ROOT.id, kind: 'rules', rules: [ROOT] },
      { item: 'cloudtrail-changes', kind: 'rules', rules: [TRAIL] },
      { item: 'StopLogging', kind: 'event', eventsource: undefined, eventname: 'StopLogging' },
      {
        item: 'iam.amazonaws.com:CreateAccessKey',
        kind: 'event',
        eventsource: 'iam.amazonaws.com',
        eventname: 'CreateAccessKey'
      }
    ])
  })

  it('refuse a rule that is not loaded, naming it', () => {
    expect(() => resolveFailOn(['root-activty'], RULES)).toThrow(
      new InputError(
        'fail-on',
        'names no loaded rule (by name or id), level (critical, high, medium, low, informational) or event name',
        'root-activty'
      )
    )
    expect(() => resolveFailOn(['root-activity'], [TRAIL])).toThrow(
      `Input 'fail-on' names no loaded rule (by name or id), level (critical, high, medium, low, informational) or event name; got "root-activity"`
    )
  })
})

describe('fail-on', () => {
  it('passes when nothing listed occurred', async () => {
    expect(await failOn(['DeleteTrail', 'vpc-changes'])).toEqual({
      flagged: 0,
      gaps: 0,
      matches: []
    })
  })

  it('counts each matched event once, and what each item matched', async () => {
    const result = (await failOn([
      'root-activity',
      'StopLogging',
      'iam.amazonaws.com:CreateAccessKey'
    ])) as FailOnResult
    expect(result).toEqual({
      flagged: 6,
      gaps: 0,
      matches: [
        { item: 'root-activity', events: 1 },
        { item: 'StopLogging', events: 3 },
        { item: 'iam.amazonaws.com:CreateAccessKey', events: 3 }
      ]
    })
    expect(failOnMessage(result)).toBe(
      'fail-on matched 6 events: root-activity (1), StopLogging (3), iam.amazonaws.com:CreateAccessKey (3)'
    )
  })

  it('matches every finding of a rule, also of events another rule matched', async () => {
    expect(await failOn(['cloudtrail-changes'])).toEqual({
      flagged: 3,
      gaps: 0,
      matches: [{ item: 'cloudtrail-changes', events: 3 }]
    })
  })

  it('matches a rule by its id', async () => {
    expect(await failOn([ROOT.id])).toEqual({
      flagged: 1,
      gaps: 0,
      matches: [{ item: ROOT.id, events: 1 }]
    })
  })

  it('reads high as high or critical, and counts an event of two such rules once', async () => {
    expect(await failOn(['high'])).toEqual({
      flagged: 3,
      gaps: 0,
      matches: [{ item: 'high', events: 3 }]
    })
    expect(await failOn(['critical'])).toEqual({
      flagged: 1,
      gaps: 0,
      matches: [{ item: 'critical', events: 1 }]
    })
    expect(await failOn(['low'])).toEqual({
      flagged: 10,
      gaps: 0,
      matches: [{ item: 'low', events: 10 }]
    })
  })

  it('counts a threshold rule only in the groups that reach its count', async () => {
    expect(await failOn(['secrets-burst'])).toEqual({
      flagged: 3,
      gaps: 0,
      matches: [{ item: 'secrets-burst', events: 3 }]
    })
    expect(await failOn(['medium', 'GetSecretValue'])).toEqual({
      flagged: 8,
      gaps: 0,
      matches: [
        { item: 'medium', events: 6 },
        { item: 'GetSecretValue', events: 5 }
      ]
    })
  })

  it('matches a bare event name in every service', async () => {
    expect((await failOn(['CreateAccessKey']))?.flagged).toBe(8)
  })

  it('says "event" for one', async () => {
    expect(failOnMessage((await failOn(['root-activity'])) as FailOnResult)).toBe(
      'fail-on matched 1 event: root-activity (1)'
    )
  })

  it('leaves suppressed findings out', async () => {
    const { entries } = parseSuppressions(
      'suppressions:\n  root-activity:\n    - account: "*"\n      reason: Drills\n',
      'expected.yml',
      RULES
    )
    async function* aggregate(): AsyncIterable<AggregateRow> {
      yield row({
        eventname: 'StopLogging',
        rules: 'cloudtrail-changes root-activity~1',
        events: 1
      })
      yield row({ eventname: 'DeleteTrail', rules: 'root-activity~1', events: 2 })
    }
    const reports = await buildReports(aggregate(), {
      rules: RULES,
      failOn: resolveFailOn(['critical', 'cloudtrail-changes', 'DeleteTrail'], RULES),
      suppressions: { file: 'expected.yml', entries }
    })
    expect(reports.failOn).toEqual({
      flagged: 3,
      gaps: 0,
      matches: [
        { item: 'cloudtrail-changes', events: 1 },
        { item: 'DeleteTrail', events: 2 }
      ]
    })
  })

  it('matches logging gaps by their name and by level, each gap once', async () => {
    async function* aggregate(): AsyncIterable<AggregateRow> {
      yield row({ eventdate: '2026-11-22', events: 3 })
      yield row({ eventdate: '2026-11-24', events: 3 })
      yield row({ eventdate: '2026-11-24', region: 'eu-west-1', events: 1 })
    }
    const result = async (items: readonly string[]): Promise<FailOnResult | undefined> =>
      (
        await buildReports(aggregate(), {
          rules: RULES,
          failOn: resolveFailOn(items, [...RULES, ...GAP_RULES]),
          gaps: {
            window: { start: '2026-11-22', end: '2026-11-24' },
            accounts: ['111122223333', '444455556666']
          }
        })
      ).failOn
    // 444455556666 is silent on 3 days (high); 111122223333 on 2026-11-23 (high), and
    // eu-west-1 on 2026-11-22 (low).
    expect(await result(['logging-gap', 'high'])).toEqual({
      flagged: 5,
      gaps: 5,
      matches: [
        { item: 'logging-gap', events: 5 },
        { item: 'high', events: 4 }
      ]
    })
    const high = (await result(['high'])) as FailOnResult
    expect(failOnMessage(high)).toBe('fail-on matched 4 logging gaps: high (4)')
  })
})
