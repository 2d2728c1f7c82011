import { type Evidence } from '../../aggregate.js'
import { EvidenceList } from '../evidence.js'
import { ASCII, type Captures } from './captures.js'
import { EventDates } from './event-date.js'
import { Hash64 } from './hash.js'
import { KeyTable } from './keys.js'
import { Listings } from './listings.js'
import {
  ACCOUNT,
  ERROR,
  EVENT_ID,
  IDENTITY_TYPE,
  Identities,
  NAME,
  REGION,
  SOURCE,
  TIME
} from './record.js'
import { type RuleData, RuleMatcher } from './rules.js'
import type { FieldPath } from './shapes.js'
import { Texts } from './texts.js'
import { compareText } from '../../../text-order.js'

/** How a parser counts: the report's window and the run's semantics. */
export interface ParserOptions {
  /** The window, `YYYY-MM-DD`, both ends included. */
  readonly start: string
  readonly end: string
  /** `event-time`: only events dated in the window count. `delivery`: every record does. */
  readonly byEventTime: boolean
  readonly dedupe: boolean
  /** The rules to evaluate, as data (the IR), so they can be sent to a worker thread. */
  readonly rules: readonly RuleData[]
  /** The most evidence items kept per row with rules. */
  readonly evidenceLimit: number
}

/** What one file gives a row with rules besides its counts. */
export interface RuleRowPart {
  /** The key id. */
  readonly key: number
  /** The smallest and largest `eventTime` text of its records; `null` when none has one. */
  readonly first: string | null
  readonly last: string | null
  /** Its earliest evidence (`EvidenceList`). */
  readonly evidence: readonly Evidence[]
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
  /** For each key with rules that the file counted: its times and evidence. */
  readonly ruleRows: readonly RuleRowPart[]
}

/** The aggregate's key columns (`AGGREGATE_KEY_COLUMNS`), in order. */
const KEY_WIDTH = 10
const ACCOUNT_COLUMN = 0
const REGION_COLUMN = 1
const EVENT_DATE = 4
const PRINCIPAL = 7
const RULES = 9

/**
 * Adds records up into one file's aggregate, by key, from their captured fields. The keys and the
 * strings they are made of stay from file to file; a file that turns out broken is taken back.
 */
export class FileAggregator {
  private readonly texts = new Texts()
  private readonly dates = new EventDates(this.texts)
  private readonly keys = new KeyTable(KEY_WIDTH)
  private readonly hash = new Hash64()
  private readonly identities = new Identities(this.texts)
  private readonly matcher: RuleMatcher
  private readonly listings: Listings
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
  /** This file's rows with rules, by key id. */
  private ruleRows = new Map<number, RuleRowState>()

  /** `paths` are the fields `captures` holds, by slot (`recordFields`). */
  constructor(
    private readonly options: ParserOptions,
    private readonly captures: Captures,
    paths: readonly FieldPath[]
  ) {
    this.matcher = new RuleMatcher(options.rules, this.texts, captures, paths)
    this.listings = new Listings(options.rules, options.evidenceLimit, options.dedupe)
  }

  /** Starts a file. */
  begin(): void {
    this.firstKey = this.keys.size
    this.newKeys = []
    this.touched = []
    this.eventIds = []
    this.ruleRows = new Map()
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
    tuple[ACCOUNT_COLUMN] = texts.idOf(captures, ACCOUNT)
    tuple[REGION_COLUMN] = texts.idOf(captures, REGION)
    tuple[2] = texts.idOf(captures, SOURCE)
    tuple[3] = texts.idOf(captures, NAME)
    tuple[EVENT_DATE] = date
    tuple[5] = texts.idOf(captures, ERROR)
    tuple[6] = texts.idOf(captures, IDENTITY_TYPE)
    this.identities.read(captures)
    tuple[PRINCIPAL] = this.identities.principal
    tuple[8] = this.identities.actor
    tuple[RULES] = this.matcher.match(
      tuple[2] as number,
      tuple[3] as number,
      tuple[5] as number,
      tuple[6] as number
    )
    let id = keys.find()
    if (id < 0) id = this.newKey()
    if (tuple[RULES] !== 0) this.addRuleRecord(id)
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
    this.listings.commit()
    const counts = new Uint32Array(this.touched.length * 2)
    this.touched.forEach((id, i) => {
      counts[i * 2] = id
      counts[i * 2 + 1] = this.counts[id] as number
      this.counts[id] = 0
    })
    const ruleRows = Array.from(this.ruleRows, ([key, row]) => ({
      key,
      first: row.first,
      last: row.last,
      evidence: row.evidence.items
    }))
    return {
      records,
      newKeys: this.newKeys,
      counts,
      eventIds: Uint32Array.from(this.eventIds),
      ruleRows
    }
  }

  /** Takes the file back: it counts for nothing, not even the keys it introduced. */
  abandon(): void {
    this.keys.truncate(this.firstKey)
    this.listings.abandon(this.firstKey)
    for (const id of this.touched) this.counts[id] = 0
  }

  /** Notes the time and the evidence of a record of a row with rules. */
  private addRuleRecord(key: number): void {
    const { captures } = this
    let row = this.ruleRows.get(key)
    if (row === undefined) {
      row = {
        first: null,
        last: null,
        evidence: new EvidenceList(this.options.evidenceLimit, this.options.dedupe)
      }
      this.ruleRows.set(key, row)
    }
    const time = captures.text(TIME)
    if (time !== null) {
      if (row.first === null || compareText(time, row.first) < 0) row.first = time
      if (row.last === null || compareText(time, row.last) > 0) row.last = time
    }
    if (row.evidence.admits(time ?? '') && this.mayList(key, time ?? '')) {
      row.evidence.add(this.matcher.values.evidence())
    }
  }

  /** Whether findings.csv may list the record (`Listings`); the key's columns are in `tuple`. */
  private mayList(key: number, time: string): boolean {
    const { listings } = this
    if (!listings.knows(key)) {
      const { tuple } = this.keys
      listings.learn(key, {
        rules: this.texts.texts[tuple[RULES] as number] as string,
        eventdate: tuple[EVENT_DATE] as number,
        principal: tuple[PRINCIPAL] as number,
        account: tuple[ACCOUNT_COLUMN] as number,
        region: tuple[REGION_COLUMN] as number
      })
    }
    return listings.mayList(key, time, this.captures.decode(EVENT_ID))
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

interface RuleRowState {
  first: string | null
  last: string | null
  readonly evidence: EvidenceList
}
