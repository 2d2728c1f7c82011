import { describe, expect, it } from 'vitest'
import { testRule } from '../__fixtures__/rule.js'
import type { Evidence } from '../src/engine/aggregate.js'
import {
  findingsCsv,
  findingsJson,
  rulesCsv,
  suppressedCsv
} from '../src/reports/findings-files.js'
import { FindingsCollector, outcomeOf, type MatchedRow } from '../src/reports/findings.js'
import { parseSuppressions } from '../src/rules/suppressions.js'

const TRAIL = testRule('trail-stopped', { level: 'high', tags: ['attack.t1562.008'] })
const ROOT = testRule('root-activity', { level: 'critical' })
const KEYS = testRule('access-key-burst', {
  level: 'low',
  threshold: { count: 5, per: ['principal'] }
})

function evidence(eventtime: string, eventid: string, more: Partial<Evidence> = {}): Evidence {
  return {
    eventtime,
    eventid,
    sourceipaddress: '203.0.113.7',
    useragent: 'aws-cli/2.15.0',
    resources: '',
    requestparameters: '{"name":"main"}',
    ...more
  }
}

function row(partial: Partial<MatchedRow> & Pick<MatchedRow, 'rules' | 'events'>): MatchedRow {
  return {
    account: '111122223333',
    region: 'us-east-1',
    eventsource: 'cloudtrail.amazonaws.com',
    eventname: 'StopLogging',
    eventdate: '2026-11-22',
    errorcode: '',
    principal: 'arn:aws:iam::111122223333:role/admin',
    actor: 'alice',
    first: partial.evidence?.[0]?.eventtime ?? '',
    last: partial.evidence?.at(-1)?.eventtime ?? '',
    evidence: [],
    ...partial
  }
}

describe('outcomeOf', () => {
  it.each([
    ['', 'success'],
    ['AccessDenied', 'denied'],
    ['AccessDeniedException', 'denied'],
    ['Client.UnauthorizedOperation', 'denied'],
    ['UnauthorizedAccess', 'denied'],
    ['TrailNotFoundException', 'error'],
    ['accessdenied', 'error']
  ])('calls the error code %j %s', (errorcode, outcome) => {
    expect(outcomeOf(errorcode)).toBe(outcome)
  })
})

describe('FindingsCollector', () => {
  it('counts every event of every rule a row names, and lists each rule’s earliest findings', () => {
    const collector = new FindingsCollector([TRAIL, ROOT], 2)
    collector.add(
      row({
        rules: 'root-activity trail-stopped',
        events: 3,
        principal: 'arn:aws:iam::111122223333:root',
        actor: 'root',
        evidence: [
          evidence('2026-11-22T10:00:00Z', 'b'),
          evidence('2026-11-22T11:00:00Z', 'c'),
          evidence('2026-11-22T12:00:00Z', 'd')
        ]
      })
    )
    collector.add(
      row({
        rules: 'trail-stopped',
        events: 2,
        errorcode: 'AccessDenied',
        evidence: [evidence('2026-11-22T09:00:00Z', 'a'), evidence('2026-11-22T23:00:00Z', 'z')]
      })
    )
    const [root, trail, ...rest] = collector.results()
    expect(rest).toEqual([])
    expect(root?.rule.key).toBe('root-activity')
    expect(root?.findings).toBe(3)
    expect(root?.listed.map((finding) => finding.eventid)).toEqual(['b', 'c'])
    expect(trail).toMatchObject({
      findings: 5,
      success: 3,
      denied: 2,
      error: 0,
      first: '2026-11-22T09:00:00Z',
      last: '2026-11-22T23:00:00Z',
      principals: ['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::111122223333:root'],
      actors: ['alice', 'root']
    })
    expect(trail?.listed.map((finding) => [finding.eventid, finding.outcome])).toEqual([
      ['a', 'denied'],
      ['b', 'success']
    ])
  })

  it('keeps a threshold rule’s findings to the principal-days that reach its count', () => {
    const collector = new FindingsCollector([KEYS], 10)
    const bob = 'arn:aws:iam::111122223333:user/bob'
    collector.add(row({ rules: 'access-key-burst', events: 3, evidence: [evidence('t1', 'a1')] }))
    collector.add(row({ rules: 'access-key-burst', events: 4, principal: bob }))
    collector.add(
      row({
        rules: 'access-key-burst',
        events: 2,
        principal: bob,
        errorcode: 'AccessDenied',
        evidence: [evidence('t2', 'b1')]
      })
    )
    collector.add(
      row({ rules: 'access-key-burst', events: 4, principal: bob, eventdate: '2026-11-23' })
    )
    const [keys] = collector.results()
    expect(keys).toMatchObject({ findings: 6, success: 4, denied: 2, principals: [bob] })
    expect(keys?.listed.map((finding) => finding.eventid)).toEqual(['b1'])
  })

  it('refuses a row naming a rule that is not loaded', () => {
    const collector = new FindingsCollector([TRAIL], 10)
    expect(() => collector.add(row({ rules: 'trail-stopped other', events: 1 }))).toThrow(
      "The aggregate names the rule 'other', which is not loaded"
    )
  })

  it('lists nothing with an evidence limit of 0, and still counts', () => {
    const collector = new FindingsCollector([TRAIL], 0)
    collector.add(row({ rules: 'trail-stopped', events: 4, evidence: [evidence('t', 'a')] }))
    expect(collector.results()[0]).toMatchObject({ findings: 4, listed: [] })
  })
})

describe('suppressed findings', () => {
  const { entries } = parseSuppressions(
    [
      'suppressions:',
      '  trail-stopped:',
      '    - actor: alice',
      '      reason: Trail migration, change 42',
      '  access-key-burst:',
      '    - principal: "*:user/bob"',
      '      reason: Key rotation job',
      ''
    ].join('\n'),
    'expected.yml',
    [TRAIL, KEYS]
  )

  it('tallies a key~N token apart, never with the findings to act on', () => {
    const collector = new FindingsCollector([TRAIL], 10, entries)
    collector.add(row({ rules: 'trail-stopped~1', events: 12, evidence: [evidence('t2', 's1')] }))
    collector.add(
      row({ rules: 'trail-stopped', events: 3, actor: 'mallory', evidence: [evidence('t1', 'f1')] })
    )
    expect(collector.results().map((result) => [result.rule.key, result.findings])).toEqual([
      ['trail-stopped', 3]
    ])
    const [suppressed] = collector.suppressedResults()
    expect(suppressed).toMatchObject({ findings: 12, actors: ['alice'] })
    expect(suppressed?.listed.map((finding) => finding.suppression?.index)).toEqual([1])
    expect([...collector.suppressedByEntry()]).toEqual([[1, 12]])
  })

  it('counts a threshold group’s suppressed events towards its count', () => {
    const collector = new FindingsCollector([KEYS], 10, entries)
    const bob = 'arn:aws:iam::111122223333:user/bob'
    collector.add(row({ rules: 'access-key-burst~2', events: 3, principal: bob }))
    collector.add(row({ rules: 'access-key-burst', events: 2, principal: bob, actor: 'x' }))
    collector.add(row({ rules: 'access-key-burst', events: 4 }))
    expect(collector.results()[0]).toMatchObject({ findings: 2, actors: ['x'] })
    expect(collector.suppressedResults()[0]).toMatchObject({ findings: 3 })
  })

  it('refuses a token naming an entry of another rule or none', () => {
    const collector = new FindingsCollector([TRAIL, KEYS], 10, entries)
    expect(() => collector.add(row({ rules: 'trail-stopped~2', events: 1 }))).toThrow(
      "The aggregate names the suppression 'trail-stopped~2', which is not loaded"
    )
    expect(() => collector.add(row({ rules: 'trail-stopped~7', events: 1 }))).toThrow(
      "The aggregate names the suppression 'trail-stopped~7', which is not loaded"
    )
  })

  it('writes suppressed.csv: the findings columns, the entry as file:line, and its reason', () => {
    const collector = new FindingsCollector([TRAIL], 10, entries)
    collector.add(
      row({
        rules: 'trail-stopped~1',
        events: 1,
        evidence: [evidence('2026-11-22T08:00:00Z', 's1')]
      })
    )
    expect(suppressedCsv(collector.suppressedResults(), 'expected.yml')).toBe(
      [
        '"level","rule","title","eventtime","eventid","account","region","eventsource","eventname","outcome","errorcode","principal","actor","sourceipaddress","useragent","resources","requestparameters","suppression","reason"',
        '"high","trail-stopped","Title of trail-stopped","2026-11-22T08:00:00Z","s1","111122223333","us-east-1","cloudtrail.amazonaws.com","StopLogging","success","","arn:aws:iam::111122223333:role/admin","alice","203.0.113.7","aws-cli/2.15.0","","{""name"":""main""}","expected.yml:3","Trail migration, change 42"',
        ''
      ].join('\n')
    )
  })
})

describe('findings files', () => {
  const collector = new FindingsCollector([TRAIL, ROOT], 10)
  collector.add(
    row({
      rules: 'root-activity trail-stopped',
      events: 1,
      principal: 'arn:aws:iam::111122223333:root',
      actor: 'root',
      evidence: [
        evidence('2026-11-22T10:00:00Z', 'e1', {
          resources: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main',
          requestparameters: '{"name":"a \\"quoted\\" name"}'
        })
      ]
    })
  )
  const results = collector.results()

  it('writes findings.csv: one row per rule and event, most severe rule first', () => {
    expect(findingsCsv(results)).toBe(
      [
        '"level","rule","title","eventtime","eventid","account","region","eventsource","eventname","outcome","errorcode","principal","actor","sourceipaddress","useragent","resources","requestparameters"',
        '"critical","root-activity","Title of root-activity","2026-11-22T10:00:00Z","e1","111122223333","us-east-1","cloudtrail.amazonaws.com","StopLogging","success","","arn:aws:iam::111122223333:root","root","203.0.113.7","aws-cli/2.15.0","arn:aws:cloudtrail:us-east-1:111122223333:trail/main","{""name"":""a \\""quoted\\"" name""}"',
        '"high","trail-stopped","Title of trail-stopped","2026-11-22T10:00:00Z","e1","111122223333","us-east-1","cloudtrail.amazonaws.com","StopLogging","success","","arn:aws:iam::111122223333:root","root","203.0.113.7","aws-cli/2.15.0","arn:aws:cloudtrail:us-east-1:111122223333:trail/main","{""name"":""a \\""quoted\\"" name""}"',
        ''
      ].join('\n')
    )
  })

  it('writes rules.csv: one row per rule that matched, with exact counts', () => {
    expect(rulesCsv(results)).toBe(
      [
        '"level","rule","title","author","tags","findings","success","denied","error","first","last","principals"',
        '"critical","root-activity","Title of root-activity","cloudtrail-athena-report","","1","1","0","0","2026-11-22T10:00:00Z","2026-11-22T10:00:00Z","arn:aws:iam::111122223333:root"',
        '"high","trail-stopped","Title of trail-stopped","cloudtrail-athena-report","attack.t1562.008","1","1","0","0","2026-11-22T10:00:00Z","2026-11-22T10:00:00Z","arn:aws:iam::111122223333:root"',
        ''
      ].join('\n')
    )
  })

  it('writes findings.json with each finding’s rule id and author', () => {
    const [first] = JSON.parse(findingsJson(results)) as Record<string, unknown>[]
    expect(first).toEqual({
      level: 'critical',
      rule: 'root-activity',
      ruleId: ROOT.id,
      title: 'Title of root-activity',
      author: 'cloudtrail-athena-report',
      eventtime: '2026-11-22T10:00:00Z',
      eventid: 'e1',
      account: '111122223333',
      region: 'us-east-1',
      eventsource: 'cloudtrail.amazonaws.com',
      eventname: 'StopLogging',
      outcome: 'success',
      errorcode: '',
      principal: 'arn:aws:iam::111122223333:root',
      actor: 'root',
      sourceipaddress: '203.0.113.7',
      useragent: 'aws-cli/2.15.0',
      resources: ['arn:aws:cloudtrail:us-east-1:111122223333:trail/main'],
      requestparameters: '{"name":"a \\"quoted\\" name"}'
    })
  })
})
