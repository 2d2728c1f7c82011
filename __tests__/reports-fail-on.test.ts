import { describe, expect, it } from 'vitest'
import { evaluateFailOn, failOnMessage } from '../src/reports/fail-on.js'

// Per flag, event source and event name, as the reports count them.
const CALLS = [
  { key: ['', 's3.amazonaws.com', 'GetObject'], count: 900 },
  { key: ['cloudtrail-changes', 'cloudtrail.amazonaws.com', 'StopLogging'], count: 2 },
  { key: ['root-activity', 'cloudtrail.amazonaws.com', 'StopLogging'], count: 1 },
  { key: ['', 'iam.amazonaws.com', 'CreateAccessKey'], count: 3 },
  { key: ['', 'sso.amazonaws.com', 'CreateAccessKey'], count: 5 }
]

describe('fail-on', () => {
  it('passes when nothing listed occurred', () => {
    expect(evaluateFailOn(['vpc-changes', 'DeleteTrail'], CALLS)).toEqual({
      flagged: 0,
      matches: []
    })
  })

  it('counts each matched event once, and what each item matched', () => {
    const result = evaluateFailOn(
      ['root-activity', 'StopLogging', 'iam.amazonaws.com:CreateAccessKey'],
      CALLS
    )
    expect(result).toEqual({
      flagged: 6,
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

  it('matches a bare event name in every service', () => {
    expect(evaluateFailOn(['CreateAccessKey'], CALLS).flagged).toBe(8)
  })

  it('says "event" for one', () => {
    expect(failOnMessage(evaluateFailOn(['root-activity'], CALLS))).toBe(
      'fail-on matched 1 event: root-activity (1)'
    )
  })
})
