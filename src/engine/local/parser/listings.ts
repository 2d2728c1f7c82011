import { compareText } from '../../../text-order.js'
import { indexAfter } from '../sorted.js'

/** The aggregate columns a threshold rule can count its groups by (`Threshold.per`). */
export type GroupColumn = 'principal' | 'account' | 'region'

/** A rule as the listings see it: its key in the `rules` column, and its groups if it has a threshold. */
export interface ListedRule {
  readonly key: string
  /** A threshold rule's `per` columns; undefined for a rule without a threshold. */
  readonly per?: readonly GroupColumn[]
}

/** A key's columns that groups are made of, as text ids. */
export interface GroupKey {
  readonly rules: string
  readonly eventdate: number
  readonly principal: number
  readonly account: number
  readonly region: number
}

interface Entry {
  time: string
  readonly id: string
  readonly key: number
}

/**
 * What findings.csv can still list of one rule (or one suppression entry, or one group of a
 * threshold rule): it lists the earliest `limit` findings of each (`reports/findings.ts`, earliest
 * by event time, then event id, then the other evidence). Holds the earliest distinct findings
 * seen so far, by (time, id), at most `limit`: a finding after all of them can never be listed.
 */
class Listing {
  /** Sorted by (time, id). */
  private readonly entries: Entry[] = []
  /** With dedupe, by key and event id: one event of one key is one finding, however delivered. */
  private readonly byEvent: Map<string, Entry> | undefined

  constructor(
    private readonly limit: number,
    dedupe: boolean
  ) {
    this.byEvent = dedupe ? new Map() : undefined
  }

  /** Whether a finding at (time, id) may be among the earliest: ties may, by their other evidence. */
  mayList(time: string, id: string): boolean {
    const { entries } = this
    if (entries.length < this.limit) return true
    const last = entries[entries.length - 1] as Entry
    return compare(time, id, last) <= 0
  }

  add(time: string, id: string, key: number): void {
    const event = this.byEvent !== undefined && id !== '' ? `${key} ${id}` : undefined
    if (event !== undefined) {
      const kept = this.byEvent?.get(event)
      if (kept !== undefined) {
        // The same finding again: it is as early as its earliest delivery.
        if (compareText(time, kept.time) < 0) {
          this.entries.splice(this.entries.indexOf(kept), 1)
          kept.time = time
          this.insert(kept)
        }
        return
      }
    }
    if (!this.mayList(time, id)) return
    const entry = { time, id, key }
    this.insert(entry)
    if (event !== undefined) this.byEvent?.set(event, entry)
    if (this.entries.length > this.limit) {
      const dropped = this.entries.pop() as Entry
      if (this.byEvent !== undefined && dropped.id !== '') {
        this.byEvent.delete(`${dropped.key} ${dropped.id}`)
      }
    }
  }

  private insert(entry: Entry): void {
    this.entries.splice(indexAfter(this.entries, entry, byTimeAndId), 0, entry)
  }
}

function compare(time: string, id: string, entry: Entry): number {
  return compareText(time, entry.time) || compareText(id, entry.id)
}

const byTimeAndId = (a: Entry, b: Entry): number => compare(a.time, a.id, b)

/**
 * Which matched records can show in findings.csv, so that a parser makes the evidence of those
 * alone: a record whose (eventTime, eventID) comes after the `limit` earliest distinct findings
 * of every listing it belongs to (each rule of its `rules` column; for a threshold rule, the
 * rule's group of the record: its UTC day and `per` columns) is past every listing for good,
 * whatever the other files hold. Counts, times and everything else stay exact; only evidence
 * that no listing could take is not made, which on a busy day is most of it.
 *
 * What a file's records add is taken in at `commit`, when the file has been read whole: a file
 * that turns out broken counts for nothing, so it must not shorten the listings either.
 */
export class Listings {
  private readonly perOf: ReadonlyMap<string, readonly GroupColumn[] | undefined>
  private readonly byGroup = new Map<string, Listing>()
  /** By key id: the listings its records belong to. */
  private readonly ofKey: (Listing[] | undefined)[] = []
  private pending: { listing: Listing; time: string; id: string; key: number }[] = []

  constructor(
    rules: readonly ListedRule[],
    private readonly limit: number,
    private readonly dedupe: boolean
  ) {
    this.perOf = new Map(rules.map((rule) => [rule.key, rule.per]))
  }

  /** Whether the key's listings are known (`learn`). */
  knows(key: number): boolean {
    return this.ofKey[key] !== undefined
  }

  /** Notes which listings the records of key `key`, of these columns, belong to. */
  learn(key: number, group: GroupKey): void {
    this.ofKey[key] = this.listingsOf(group)
  }

  /** Whether a matched record of key `key` (known) may be listed; notes it for `commit` if so. */
  mayList(key: number, time: string, id: string): boolean {
    if (this.limit === 0) return false
    let may = false
    for (const listing of this.ofKey[key] as Listing[]) {
      if (!listing.mayList(time, id)) continue
      this.pending.push({ listing, time, id, key })
      may = true
    }
    return may
  }

  /** Takes in the records of the file just read. */
  commit(): void {
    for (const { listing, time, id, key } of this.pending) listing.add(time, id, key)
    this.pending = []
  }

  /** Forgets the records of the file just read, and the key ids from `keys` on, which it made. */
  abandon(keys: number): void {
    this.pending = []
    this.ofKey.length = Math.min(this.ofKey.length, keys)
  }

  private listingsOf(group: GroupKey): Listing[] {
    return group.rules.split(' ').map((token) => {
      const per = this.perOf.get(token)
      const name =
        per === undefined
          ? token
          : [token, group.eventdate, ...per.map((column) => group[column])].join(' ')
      let listing = this.byGroup.get(name)
      if (listing === undefined) {
        listing = new Listing(this.limit, this.dedupe)
        this.byGroup.set(name, listing)
      }
      return listing
    })
  }
}
