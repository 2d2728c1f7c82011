import { type AggregateRow } from '../aggregate.js'
import { EventIdSet } from './dedupe.js'
import { EvidenceList } from './evidence.js'
import type { FileAggregate } from './parser/parser.js'
import { compareText } from '../../text-order.js'

/** What a row with rules has besides its counts, added up from the parser threads' parts. */
interface RuleRow {
  first: string | null
  last: string | null
  readonly evidence: EvidenceList
}

/**
 * The parser threads' partial aggregates, added up by key: events (deduplicated across files and
 * threads by the hashes of their `eventID`s), records, and for rows with rules the first and last
 * event time and the earliest evidence (`EvidenceList`, deduplicated by `eventID` across files).
 */
export class LocalAggregate {
  private readonly keyIndex = new Map<string, number>()
  private readonly keys: string[] = []
  private readonly events: number[] = []
  /** By key: the records delivered, duplicates included. */
  private readonly records: number[] = []
  private readonly ruleRows: (RuleRow | undefined)[] = []
  /** For each worker, its key ids mapped to indexes here. */
  private readonly workerKeys: number[][] = []
  private readonly seen: EventIdSet | undefined

  constructor(
    private readonly dedupe: boolean,
    private readonly evidenceLimit: number
  ) {
    this.seen = dedupe ? new EventIdSet() : undefined
  }

  add(worker: number, file: FileAggregate): void {
    const ids = (this.workerKeys[worker] ??= [])
    for (const key of file.newKeys) {
      let index = this.keyIndex.get(key)
      if (index === undefined) {
        index = this.keys.length
        this.keyIndex.set(key, index)
        this.keys.push(key)
        this.events.push(0)
        this.records.push(0)
        this.ruleRows.push(undefined)
      }
      ids.push(index)
    }
    const { counts, eventIds } = file
    for (let i = 0; i < counts.length; i += 2) {
      const index = ids[counts[i] as number] as number
      this.events[index] = (this.events[index] as number) + (counts[i + 1] as number)
      this.records[index] = (this.records[index] as number) + (counts[i + 1] as number)
    }
    for (const part of file.ruleRows) {
      const index = ids[part.key] as number
      let row = this.ruleRows[index]
      if (row === undefined) {
        row = {
          first: null,
          last: null,
          evidence: new EvidenceList(this.evidenceLimit, this.dedupe)
        }
        this.ruleRows[index] = row
      }
      if (part.first !== null && (row.first === null || compareText(part.first, row.first) < 0)) {
        row.first = part.first
      }
      if (part.last !== null && (row.last === null || compareText(part.last, row.last) > 0)) {
        row.last = part.last
      }
      for (const item of part.evidence) row.evidence.add(item)
    }
    const seen = this.seen
    if (seen === undefined) return
    for (let i = 0; i < eventIds.length; i += 3) {
      const index = ids[eventIds[i] as number] as number
      this.records[index] = (this.records[index] as number) + 1
      if (seen.add(eventIds[i + 1] as number, eventIds[i + 2] as number)) {
        this.events[index] = (this.events[index] as number) + 1
      }
    }
  }

  /** The rows, in key order, so that a run's output does not depend on thread timing. */
  async *rows(): AsyncGenerator<AggregateRow> {
    const order = this.keys.map((_, index) => index).sort((a, b) => compareKeys(this.keys, a, b))
    for (const index of order) {
      const [
        account = '',
        region = '',
        eventsource = '',
        eventname = '',
        eventdate = '',
        errorcode = '',
        identitytype = '',
        principal = '',
        actor = '',
        rules = ''
      ] = JSON.parse(this.keys[index] as string) as string[]
      const row = rules === '' ? undefined : this.ruleRows[index]
      yield {
        account,
        region,
        eventsource,
        eventname,
        eventdate,
        errorcode,
        identitytype,
        principal,
        actor,
        rules,
        events: this.events[index] as number,
        records: this.records[index] as number,
        first: row?.first ?? '',
        last: row?.last ?? '',
        evidence: row?.evidence.items ?? []
      }
    }
  }
}

function compareKeys(keys: readonly string[], a: number, b: number): number {
  const x = keys[a] as string
  const y = keys[b] as string
  return x < y ? -1 : x > y ? 1 : 0
}
