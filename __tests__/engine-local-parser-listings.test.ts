import { describe, expect, it } from 'vitest'
import { type GroupKey, Listings } from '../src/engine/local/parser/listings.js'

/** A key's columns: its `rules` column, and text ids for the group columns. */
const group = (rules: string, principal = 1, eventdate = 10): GroupKey => ({
  rules,
  eventdate,
  principal,
  account: 2,
  region: 3
})

/** Listings with `keys` learnt, by key id. */
function listings(limit: number, dedupe: boolean, ...keys: GroupKey[]): Listings {
  const made = new Listings(
    [{ key: 'a' }, { key: 'b' }, { key: 'burst', per: ['principal'] }, { key: 'a~1' }],
    limit,
    dedupe
  )
  keys.forEach((key, id) => made.learn(id, key))
  return made
}

describe('the listings of a parser', () => {
  it('let a finding through while it may be among the earliest of one of its rules', () => {
    const made = listings(2, true, group('a'), group('a b'))
    expect(made.mayList(0, 't3', 'e3')).toBe(true)
    expect(made.mayList(0, 't1', 'e1')).toBe(true)
    made.commit()
    expect(made.mayList(0, 't4', 'e4')).toBe(false)
    expect(made.mayList(0, 't3', 'e3')).toBe(true)
    expect(made.mayList(0, 't2', 'e2')).toBe(true)
    // Past rule a's two earliest, but rule b lists nothing yet.
    expect(made.mayList(1, 't9', 'e9')).toBe(true)
    made.commit()
    expect(made.mayList(0, 't3', 'e3')).toBe(false)
    expect(made.mayList(1, 't2', 'e2')).toBe(true)
    // Past rule a's earliest, but rule b has room for one more.
    expect(made.mayList(1, 't2', 'e3')).toBe(true)
    made.commit()
    expect(made.mayList(1, 't2', 'e4')).toBe(false)
  })

  it('order by event time, then event id, in code point order', () => {
    const made = listings(1, true, group('a'))
    made.mayList(0, 't1', 'e\u{1F600}')
    made.commit()
    expect(made.mayList(0, 't1', 'e\uFFFF')).toBe(true)
    expect(made.mayList(0, 't1', 'e\u{1F601}')).toBe(false)
  })

  it('list a threshold rule by group: its UTC day and its per columns', () => {
    const made = listings(
      1,
      true,
      group('burst', 1, 10),
      group('burst', 5, 10),
      group('burst', 1, 11)
    )
    made.mayList(0, 't1', 'e1')
    made.commit()
    expect(made.mayList(0, 't2', 'e2')).toBe(false)
    // Another principal's or another day's group may reach the count when the first does not.
    expect(made.mayList(1, 't2', 'e2')).toBe(true)
    expect(made.mayList(2, 't2', 'e2')).toBe(true)
  })

  it('list a suppressed rule apart from the rule', () => {
    const made = listings(1, true, group('a'), group('a~1'))
    made.mayList(0, 't1', 'e1')
    made.commit()
    expect(made.mayList(1, 't2', 'e2')).toBe(true)
  })

  it('with dedupe, count an event of a key once however often it is delivered', () => {
    const made = listings(2, true, group('a'), group('a'))
    made.mayList(0, 't1', 'e1')
    made.mayList(0, 't1', 'e1')
    made.commit()
    expect(made.mayList(0, 't2', 'e2')).toBe(true)
    made.commit()
    // A copy that differs may be the one kept, by its other evidence.
    expect(made.mayList(0, 't2', 'e2')).toBe(true)
    expect(made.mayList(0, 't3', 'e3')).toBe(false)
    // The same event under another key is another finding.
    made.mayList(1, 't0', 'e2')
    made.commit()
    expect(made.mayList(0, 't2', 'e2')).toBe(false)
  })

  it('with dedupe, count an event at its earliest delivery', () => {
    const made = listings(2, true, group('a'))
    made.mayList(0, 't1', 'e0')
    made.mayList(0, 't5', 'e1')
    made.commit()
    made.mayList(0, 't2', 'e1')
    made.commit()
    expect(made.mayList(0, 't3', 'e3')).toBe(false)
  })

  it('without dedupe, or without an event id, count every record', () => {
    const counted = listings(2, false, group('a'))
    counted.mayList(0, 't1', 'e1')
    counted.mayList(0, 't1', 'e1')
    counted.commit()
    expect(counted.mayList(0, 't2', 'e2')).toBe(false)
    const anonymous = listings(2, true, group('a'))
    anonymous.mayList(0, 't1', '')
    anonymous.mayList(0, 't1', '')
    anonymous.commit()
    expect(anonymous.mayList(0, 't2', 'e2')).toBe(false)
  })

  it('take in nothing of a file that turns out broken, and forget the keys it made', () => {
    const made = listings(1, true, group('a'))
    made.mayList(0, 't1', 'e1')
    made.abandon(0)
    expect(made.knows(0)).toBe(false)
    made.learn(0, group('b'))
    made.learn(1, group('a'))
    made.commit()
    expect(made.mayList(1, 't2', 'e2')).toBe(true)
  })

  it('list nothing with a limit of 0', () => {
    expect(listings(0, true, group('a')).mayList(0, 't1', 'e1')).toBe(false)
  })
})
