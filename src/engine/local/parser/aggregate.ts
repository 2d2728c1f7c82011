import { compileCondition, type FlagFields, type FlagRule } from '../flags.js'
import { ASCII, type Captures } from './captures.js'
import { EventDates } from './event-date.js'
import { Hash64 } from './hash.js'
import { KeyTable } from './keys.js'
import {
  ACCOUNT,
  ERROR,
  EVENT_ID,
  IDENTITY_TYPE,
  NAME,
  principalSlot,
  REGION,
  RuleEvent,
  SOURCE,
  TIME
} from './record.js'
import { Texts } from './texts.js'

/** How a parser counts: the report's window and the run's semantics. */
export interface ParserOptions {
  /** The window, `YYYY-MM-DD`, both ends included. */
  readonly start: string
  readonly end: string
  /** `event-time`: only events dated in the window count. `delivery`: every record does. */
  readonly byEventTime: boolean
  readonly dedupe: boolean
  /** The audit rules, as data (`FLAG_RULES`), so they can be sent to a worker thread. */
  readonly flagRules: readonly Pick<FlagRule, 'name' | 'when'>[]
}

/**
 * One log file's records, aggregated. Key ids belong to the parser that made them, and stay the
 * same across all its files, so a key's values cross the thread boundary once.
 */
export interface FileAggregate {
  readonly records: number
  /** The keys first seen in this file, in id order, as JSON arrays of the key's values. */
  readonly newKeys: readonly string[]
  /**
   * Pairs (key id, events): all of the key's events without dedupe; with dedupe, only those
   * without an `eventID`, which are always counted.
   */
  readonly counts: Uint32Array<ArrayBuffer>
  /** With dedupe: triples (key id, hash high, hash low) of each event with an `eventID`. */
  readonly eventIds: Uint32Array<ArrayBuffer>
}

/** account, region, eventsource, eventname, eventdate, errorcode, identitytype, principal, flag */
const KEY_WIDTH = 9
const FLAG = 8

/**
 * Adds records up into one file's aggregate, by key, from their captured fields. The keys and the
 * strings they are made of stay from file to file; a file that turns out broken is taken back.
 */
export class FileAggregator {
  private readonly texts = new Texts()
  private readonly dates = new EventDates(this.texts)
  private readonly keys = new KeyTable(KEY_WIDTH)
  private readonly hash = new Hash64()
  private readonly event: RuleEvent
  private readonly rules: readonly {
    readonly id: number
    readonly test: (event: FlagFields) => boolean
  }[]
  /** By key id: the hash of its values, which seeds its events' hashes. */
  private readonly keyHashHigh: number[] = []
  private readonly keyHashLow: number[] = []
  /** By key id: the events counted in this file (0 for keys it has not touched). */
  private readonly counts: number[] = []
  // This file's: the first key id it made, its keys' values, the keys it counted, its event ids.
  private firstKey = 0
  private newKeys: string[] = []
  private touched: number[] = []
  private eventIds: number[] = []

  constructor(
    private readonly options: ParserOptions,
    private readonly captures: Captures
  ) {
    this.event = new RuleEvent(captures)
    this.rules = options.flagRules.map((rule) => ({
      id: this.texts.idOfText(rule.name),
      test: compileCondition(rule.when)
    }))
  }

  /** Starts a file. */
  begin(): void {
    this.firstKey = this.keys.size
    this.newKeys = []
    this.touched = []
    this.eventIds = []
  }

  /** Counts the record in the captures. */
  add(): void {
    const { captures, texts, keys } = this
    const date = this.dates.idOf(captures, TIME)
    if (this.options.byEventTime) {
      const day = texts.texts[date] as string
      if (day === '' || day < this.options.start || day > this.options.end) return
    }
    const tuple = keys.tuple
    tuple[0] = texts.idOf(captures, ACCOUNT)
    tuple[1] = texts.idOf(captures, REGION)
    tuple[2] = texts.idOf(captures, SOURCE)
    tuple[3] = texts.idOf(captures, NAME)
    tuple[4] = date
    tuple[5] = texts.idOf(captures, ERROR)
    tuple[6] = texts.idOf(captures, IDENTITY_TYPE)
    tuple[7] = texts.idOf(captures, principalSlot(captures))
    tuple[FLAG] = this.flag(tuple)
    let id = keys.find()
    if (id < 0) id = this.newKey()
    if (this.options.dedupe && captures.present(EVENT_ID)) {
      this.hashEventId(id)
      this.eventIds.push(id, this.hash.high, this.hash.low)
    } else {
      if (this.counts[id] === 0) this.touched.push(id)
      this.counts[id] = (this.counts[id] as number) + 1
    }
  }

  /** The file's aggregate, of `records` records; the counts start again from zero. */
  finish(records: number): FileAggregate {
    const counts = new Uint32Array(this.touched.length * 2)
    this.touched.forEach((id, i) => {
      counts[i * 2] = id
      counts[i * 2 + 1] = this.counts[id] as number
      this.counts[id] = 0
    })
    return { records, newKeys: this.newKeys, counts, eventIds: Uint32Array.from(this.eventIds) }
  }

  /** Takes the file back: it counts for nothing, not even the keys it introduced. */
  abandon(): void {
    this.keys.truncate(this.firstKey)
    for (const id of this.touched) this.counts[id] = 0
  }

  /** The text id of the most severe rule the record matches, or of ''. */
  private flag(tuple: Int32Array): number {
    const { event, texts } = this
    event.eventsource = texts.texts[tuple[2] as number] as string
    event.eventname = texts.texts[tuple[3] as number] as string
    event.errorcode = texts.texts[tuple[5] as number] as string
    event.identitytype = texts.texts[tuple[6] as number] as string
    for (const rule of this.rules) if (rule.test(event)) return rule.id
    return 0
  }

  private newKey(): number {
    const { keys, texts } = this
    const id = keys.add()
    const key = JSON.stringify(Array.from(keys.tuple, (text) => texts.texts[text] as string))
    this.newKeys.push(key)
    this.hash.ofString(key, 0x243f6a88, 0x85a308d3)
    this.keyHashHigh[id] = this.hash.high
    this.keyHashLow[id] = this.hash.low
    this.counts[id] = 0
    return id
  }

  /** Hashes the record's `eventID`, seeded by its key's hash: the same event under two keys is two. */
  private hashEventId(key: number): void {
    const { captures, hash } = this
    const seedHigh = this.keyHashHigh[key] as number
    const seedLow = this.keyHashLow[key] as number
    if (captures.kinds[EVENT_ID] === ASCII) {
      const from = captures.starts[EVENT_ID] as number
      hash.ofBytes(captures.bytes, from, captures.ends[EVENT_ID] as number, seedHigh, seedLow)
    } else {
      hash.ofString(captures.decode(EVENT_ID), seedHigh, seedLow)
    }
  }
}
