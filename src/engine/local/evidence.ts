import { compareEvidence, type Evidence } from '../aggregate.js'
import { compareText } from '../../text-order.js'
import { indexAfter } from './sorted.js'

/** Past this many items, an event's item is found by a map instead of a look through the list. */
const INDEXED = 32

/**
 * The earliest evidence of one aggregate row, at most `limit` items, in `compareEvidence` order:
 * what the query's `min_by(evidence, evidence, N)` keeps. With dedupe, one item per `eventID`
 * (those without one are each their own), its smallest. Items can come in any order and from any
 * number of partial lists (files, threads): the result is the same, because an item dropped for
 * being past the limit can never come back into it (the limit's last item only gets smaller), and
 * an event's smallest item is kept wherever it came in.
 */
export class EvidenceList {
  /** Sorted, earliest first. */
  readonly items: Evidence[] = []
  /**
   * With dedupe, once the list is long: the item kept for each `eventID`. Most rows list a few
   * events, and a map each would be most of their memory.
   */
  private byId: Map<string, Evidence> | undefined

  constructor(
    private readonly limit: number,
    private readonly dedupe: boolean
  ) {}

  /**
   * Whether an item of this event time may be kept: not when the list is full and its last item
   * is earlier. Lets the parser skip making the evidence of most records.
   */
  admits(eventtime: string): boolean {
    const { items, limit } = this
    if (items.length < limit) return true
    const last = items[items.length - 1]
    return last !== undefined && compareText(eventtime, last.eventtime) <= 0
  }

  add(item: Evidence): void {
    const { items, limit } = this
    if (limit === 0) return
    const id = this.dedupe && item.eventid !== '' ? item.eventid : undefined
    if (id !== undefined) {
      const kept = this.keptFor(id)
      if (kept !== undefined) {
        if (compareEvidence(item, kept) >= 0) return
        items.splice(indexAfter(items, kept, compareEvidence) - 1, 1)
      }
    }
    const last = items[items.length - 1]
    if (items.length >= limit && last !== undefined && compareEvidence(item, last) >= 0) return
    items.splice(indexAfter(items, item, compareEvidence), 0, item)
    if (id !== undefined) this.byId?.set(id, item)
    if (items.length > limit) {
      const dropped = items.pop() as Evidence
      if (dropped.eventid !== '') this.byId?.delete(dropped.eventid)
    }
    if (this.dedupe && this.byId === undefined && items.length >= INDEXED) {
      this.byId = new Map(
        items.filter((kept) => kept.eventid !== '').map((kept) => [kept.eventid, kept])
      )
    }
  }

  /** The item kept for the event `id`, if any. */
  private keptFor(id: string): Evidence | undefined {
    if (this.byId !== undefined) return this.byId.get(id)
    for (const kept of this.items) if (kept.eventid === id) return kept
    return undefined
  }
}
