import type { compileCondition, FlagFields, FlagRule } from './flags.js'

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

export interface LogParser {
  /** Throws an `Error` whose message says why the file is not a readable CloudTrail log file. */
  parse(bytes: Uint8Array, gzipped: boolean): FileAggregate
}

/**
 * Makes a parser of CloudTrail log files. It reads the bytes itself instead of `JSON.parse`: it
 * validates the whole document as strictly as `JSON.parse` does (RFC 8259), in one loop with an
 * explicit stack, but makes strings only of the few fields the aggregate needs, and makes each
 * distinct one once. That is what lets the local engine outrun DuckDB's `read_json`.
 *
 * The function is self-contained (no imports, no closures over module values, Node built-ins
 * through `process.getBuiltinModule`) because worker threads run it from its source text: see
 * `workers.ts`. So is `compile`, the audit rules' own compiler from `flags.ts`, passed the same way.
 */
export function createLogParser(
  options: ParserOptions,
  compile: typeof compileCondition
): LogParser {
  const { gunzipSync } = process.getBuiltinModule('node:zlib')
  // Output in larger pieces than zlib's default 16 KiB: a quarter less time in gunzip.
  const GUNZIP_CHUNK = 256 * 1024

  const QUOTE = 0x22
  const BACKSLASH = 0x5c
  const COMMA = 0x2c
  const COLON = 0x3a
  const OPEN_OBJECT = 0x7b
  const CLOSE_OBJECT = 0x7d
  const OPEN_ARRAY = 0x5b
  const CLOSE_ARRAY = 0x5d
  const MINUS = 0x2d
  const ZERO = 0x30
  const NINE = 0x39

  // How a captured value becomes a string.
  const MISSING = 0 // absent or null: ''
  const ASCII = 1 // a string of plain ASCII bytes
  const UTF8 = 2 // a string with other bytes, no escapes
  const ESCAPED = 3 // a string with escapes
  const RAW = 4 // not a string: its JSON text

  // The fields read, by slot.
  const ACCOUNT = 0
  const REGION = 1
  const SOURCE = 2
  const NAME = 3
  const TIME = 4
  const ERROR = 5
  const EVENT_ID = 6
  const TYPE = 7
  const ARN = 8
  const INVOKED_BY = 9
  const ACCOUNT_ID = 10
  const ISSUER_ARN = 11
  const EVENT_TYPE = 12
  const ERROR_MESSAGE = 13
  const MFA_USED = 14
  const CONSOLE_LOGIN = 15
  const SLOTS = 16

  /**
   * The objects whose keys matter, by id: a key maps to a slot (its value is captured) or to a
   * nested shape. Id 0 is every other object, whose keys are only validated.
   */
  interface Shape {
    readonly names: readonly Uint8Array[]
    /** Indexes of `names` by their length: most keys are ruled out by length alone. */
    readonly byLength: readonly (readonly number[] | undefined)[]
    /** A slot (0 and up), or the id of a nested shape, negated. */
    readonly targets: readonly number[]
    /** Every slot under this object, cleared when the object appears again (last key wins). */
    readonly slots: readonly number[]
  }
  const shapes: Shape[] = [{ names: [], byLength: [], targets: [], slots: [] }]
  const shape = (fields: Record<string, number | Shape>): Shape => {
    const entries = Object.entries(fields)
    const names = entries.map(([name]) => new TextEncoder().encode(name))
    const byLength: number[][] = []
    names.forEach((name, index) => (byLength[name.length] ??= []).push(index))
    const made = {
      names,
      byLength,
      targets: entries.map(([, target]) =>
        typeof target === 'number' ? target : -shapes.indexOf(target)
      ),
      slots: entries.flatMap(([, target]) => (typeof target === 'number' ? [target] : target.slots))
    }
    shapes.push(made)
    return made
  }
  const RECORD = shapes.indexOf(
    shape({
      recipientAccountId: ACCOUNT,
      awsRegion: REGION,
      eventSource: SOURCE,
      eventName: NAME,
      eventTime: TIME,
      errorCode: ERROR,
      eventID: EVENT_ID,
      eventType: EVENT_TYPE,
      errorMessage: ERROR_MESSAGE,
      additionalEventData: shape({ MFAUsed: MFA_USED }),
      responseElements: shape({ ConsoleLogin: CONSOLE_LOGIN }),
      userIdentity: shape({
        type: TYPE,
        arn: ARN,
        invokedBy: INVOKED_BY,
        accountId: ACCOUNT_ID,
        sessionContext: shape({ sessionIssuer: shape({ arn: ISSUER_ARN }) })
      })
    })
  )
  // The document and its `Records` array, which are not shapes of the table above; the document
  // is matched against a shape of its one key that matters, whose slot is never used.
  const DOCUMENT = -1
  const RECORDS = -2
  const DOCUMENT_SHAPE = shape({ Records: 0 })
  const ASSUMED_ROLE = new TextEncoder().encode('AssumedRole')

  // The file being parsed, and the current record's captured fields.
  let bytes: Buffer = Buffer.alloc(0)
  let end = 0
  const kinds = new Uint8Array(SLOTS)
  const starts = new Int32Array(SLOTS)
  const ends = new Int32Array(SLOTS)

  /** Stops at offset `i`: the document is not JSON. */
  const invalid = (i: number): never => {
    throw new Error(
      i >= end
        ? 'not valid JSON: unexpected end of the document'
        : `not valid JSON: unexpected byte at offset ${i}`
    )
  }

  /** Past one escape; `i` is just after its backslash. */
  const escape = (b: Buffer, i: number): number => {
    const c = b[i]
    if (c === 0x75) {
      for (let j = i + 1; j <= i + 4; j++) {
        const h = j < end ? (b[j] as number) : 0
        if (!((h >= ZERO && h <= NINE) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) {
          invalid(j)
        }
      }
      return i + 5
    }
    if (
      c === QUOTE ||
      c === BACKSLASH ||
      c === 0x2f ||
      c === 0x62 ||
      c === 0x66 ||
      c === 0x6e ||
      c === 0x72 ||
      c === 0x74
    ) {
      return i + 1
    }
    return invalid(i)
  }

  const digits = (b: Buffer, i: number): number => {
    let c = i < end ? (b[i] as number) : 0
    if (c < ZERO || c > NINE) invalid(i)
    do c = ++i < end ? (b[i] as number) : 0
    while (c >= ZERO && c <= NINE)
    return i
  }

  /** Past a number, at its first byte. */
  const skipNumber = (b: Buffer, i: number): number => {
    if (b[i] === MINUS) i++
    if (i < end && b[i] === ZERO) i++
    else i = digits(b, i)
    if (i < end && b[i] === 0x2e) i = digits(b, i + 1)
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
      i++
      if (i < end && (b[i] === 0x2b || b[i] === MINUS)) i++
      i = digits(b, i)
    }
    return i
  }

  const skipWord = (b: Buffer, i: number, word: Uint8Array): number => {
    for (let j = 0; j < word.length; j++, i++) if (i >= end || b[i] !== word[j]) invalid(i)
    return i
  }
  const TRUE = new TextEncoder().encode('true')
  const FALSE = new TextEncoder().encode('false')
  const NULL = new TextEncoder().encode('null')

  /** The shape's target for the key between `from` and `to`, or `undefined`. */
  const targetOf = (
    b: Uint8Array,
    from: number,
    to: number,
    escaped: boolean,
    of: Shape
  ): number | undefined => {
    if (escaped) {
      const name = new TextEncoder().encode(
        JSON.parse(bytes.toString('utf8', from - 1, to + 1)) as string
      )
      return targetOf(name, 0, name.length, false, of)
    }
    const length = to - from
    for (const index of of.byLength[length] ?? []) {
      const candidate = of.names[index] as Uint8Array
      let j = 0
      while (j < length && candidate[j] === b[from + j]) j++
      if (j === length) return of.targets[index]
    }
    return undefined
  }

  // What `matchKey` found the key's value to be, and whether the document had `Records` yet.
  let keyShape = 0
  let keySlot = -1
  let seenRecords = false

  /** Sets `keyShape` and `keySlot` for the key between `from` and `to` in an object that matters. */
  const matchKey = (
    b: Buffer,
    from: number,
    to: number,
    escaped: boolean,
    frameShape: number,
    onShape: (problem: string) => void
  ): void => {
    keyShape = 0
    keySlot = -1
    if (frameShape === DOCUMENT) {
      if (targetOf(b, from, to, escaped, DOCUMENT_SHAPE) === undefined) return
      if (seenRecords) onShape('it has more than one "Records" key')
      else keyShape = RECORDS
      seenRecords = true
      return
    }
    const target = targetOf(b, from, to, escaped, shapes[frameShape] as Shape)
    if (target === undefined) return
    if (target >= 0) {
      keySlot = target
    } else {
      for (const slot of (shapes[-target] as Shape).slots) kinds[slot] = MISSING
      keyShape = -target
    }
  }

  /**
   * Validates the document and hands each record to `onRecord`, its fields captured. One loop:
   * nesting is on a stack of closing bytes, each with the shape of its object (0 for most), and,
   * for an object or array captured as a field, the slot that gets its JSON text.
   */
  const scan = (
    b: Buffer,
    onRecord: () => void,
    onElement: (isObject: boolean) => void,
    onShape: (problem: string) => void
  ): void => {
    const n = end
    let closers = new Uint8Array(64)
    let shapeStack = new Int8Array(64)
    let captureStack = new Int8Array(64)
    let depth = 0
    let i = 0
    let c = 0
    // What comes next: a key (in an object), or a value with the shape it has if it is an object
    // or array, and the slot it fills.
    let atKey = false
    let nextShape = DOCUMENT
    let nextSlot = -1
    seenRecords = false

    for (;;) {
      c = i < n ? (b[i] as number) : 0
      while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09))
        c = ++i < n ? (b[i] as number) : 0

      if (atKey) {
        if (c !== QUOTE) invalid(i)
        const from = ++i
        let escaped = false
        for (;;) {
          while (i < n) {
            c = b[i] as number
            if (c === QUOTE || c === BACKSLASH || c < 0x20) break
            i++
          }
          if (i >= n || c < 0x20) invalid(i)
          if (c === QUOTE) break
          i = escape(b, i + 1)
          escaped = true
        }
        const frameShape = shapeStack[depth - 1] as number
        if (frameShape !== 0) {
          matchKey(b, from, i, escaped, frameShape, onShape)
          nextShape = keyShape
          nextSlot = keySlot
        }
        i++
        c = i < n ? (b[i] as number) : 0
        while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09))
          c = ++i < n ? (b[i] as number) : 0
        if (c !== COLON) invalid(i)
        atKey = false
        c = ++i < n ? (b[i] as number) : 0
        while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09))
          c = ++i < n ? (b[i] as number) : 0
      }

      const valueShape = nextShape
      const slot = nextSlot
      nextShape = 0
      nextSlot = -1
      if (valueShape !== 0) {
        if (valueShape === RECORD) onElement(c === OPEN_OBJECT)
        else if (valueShape === RECORDS && c !== OPEN_ARRAY) onShape('"Records" is not an array')
        else if (valueShape === DOCUMENT && c !== OPEN_OBJECT) {
          onShape('the document is not an object')
        }
      }

      if (c === QUOTE) {
        const from = i + 1
        let high = 0
        let escaped = false
        i++
        for (;;) {
          if (slot < 0) {
            // The hot loop: most of a log file is strings no one reads.
            while (i < n) {
              c = b[i] as number
              if (c === QUOTE || c === BACKSLASH || c < 0x20) break
              i++
            }
          } else {
            while (i < n) {
              c = b[i] as number
              if (c === QUOTE || c === BACKSLASH || c < 0x20) break
              high |= c
              i++
            }
          }
          if (i >= n || c < 0x20) invalid(i)
          if (c === QUOTE) break
          i = escape(b, i + 1)
          escaped = true
        }
        if (slot >= 0) {
          kinds[slot] = escaped ? ESCAPED : high >= 0x80 ? UTF8 : ASCII
          starts[slot] = from
          ends[slot] = i
        }
        i++
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === closers.length) {
          closers = grow(closers, new Uint8Array(depth * 2))
          shapeStack = grow(shapeStack, new Int8Array(depth * 2))
          captureStack = grow(captureStack, new Int8Array(depth * 2))
        }
        const isObject = c === OPEN_OBJECT
        const close = isObject ? CLOSE_OBJECT : CLOSE_ARRAY
        const frameShape = isObject
          ? valueShape === DOCUMENT || valueShape > 0
            ? valueShape
            : 0
          : valueShape === RECORDS
            ? RECORDS
            : 0
        if (frameShape === RECORD) kinds.fill(MISSING)
        if (slot >= 0) starts[slot] = i
        closers[depth] = close
        shapeStack[depth] = frameShape
        captureStack[depth] = slot
        depth++
        i++
        c = i < n ? (b[i] as number) : 0
        while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09))
          c = ++i < n ? (b[i] as number) : 0
        if (c !== close) {
          if (isObject) atKey = true
          else if (frameShape === RECORDS) nextShape = RECORD
          continue
        }
        // An empty object or array: closed below like any other.
      } else if (slot >= 0 && c === 0x6e) {
        i = skipWord(b, i, NULL)
        kinds[slot] = MISSING
      } else {
        const from = i
        if (c === 0x74) i = skipWord(b, i, TRUE)
        else if (c === 0x66) i = skipWord(b, i, FALSE)
        else if (c === 0x6e) i = skipWord(b, i, NULL)
        else if (c === MINUS || (c >= ZERO && c <= NINE)) i = skipNumber(b, i)
        else invalid(i)
        if (slot >= 0) {
          kinds[slot] = RAW
          starts[slot] = from
          ends[slot] = i
        }
      }

      // After a value: close what ends here, or go on to the next item.
      for (;;) {
        c = i < n ? (b[i] as number) : 0
        while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09))
          c = ++i < n ? (b[i] as number) : 0
        if (depth === 0) {
          if (i < n) invalid(i)
          if (!seenRecords) onShape('it has no "Records" key')
          return
        }
        if (c === COMMA) {
          i++
          if (closers[depth - 1] === CLOSE_OBJECT) atKey = true
          else if (shapeStack[depth - 1] === RECORDS) nextShape = RECORD
          break
        }
        if (c !== closers[depth - 1] || i >= n) invalid(i)
        i++
        depth--
        const captured = captureStack[depth] as number
        if (captured >= 0) {
          kinds[captured] = RAW
          ends[captured] = i
        }
        if (shapeStack[depth] === RECORD) onRecord()
      }
    }
  }

  const grow = <T extends Uint8Array | Int8Array>(stack: T, bigger: T): T => {
    bigger.set(stack)
    return bigger
  }

  // Distinct strings, each made once: a field's bytes are looked up by a hash of them (checked
  // byte for byte), and the string they decode to gets a small id that keys are made of.
  const texts: string[] = []
  const textIds = new Map<string, number>()
  const seenBytes = new Map<number, number>()
  const seenBytesOf: Uint8Array[] = []
  const seenBytesId: number[] = []
  /** Past this many, new byte forms are decoded each time: the cache stays small. */
  const SEEN_BYTES_LIMIT = 1 << 16

  const idOfText = (text: string): number => {
    let id = textIds.get(text)
    if (id === undefined) {
      id = texts.length
      texts.push(text)
      textIds.set(text, id)
    }
    return id
  }

  const decode = (slot: number): string => {
    const from = starts[slot] as number
    const to = ends[slot] as number
    switch (kinds[slot]) {
      case ASCII:
        return bytes.toString('latin1', from, to)
      case UTF8:
      case RAW:
        return bytes.toString('utf8', from, to)
      case ESCAPED:
        return JSON.parse(bytes.toString('utf8', from - 1, to + 1)) as string
      default:
        return ''
    }
  }

  const idOf = (slot: number): number => {
    const kind = kinds[slot] as number
    if (kind === MISSING) return 0
    if (kind === ESCAPED) return idOfText(decode(slot))
    const from = starts[slot] as number
    const to = ends[slot] as number
    const b = bytes
    let h = 0x811c9dc5 ^ (to - from)
    for (let i = from; i < to; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193)
    const entry = seenBytes.get(h)
    if (entry !== undefined) {
      const known = seenBytesOf[entry] as Uint8Array
      if (known.length === to - from) {
        let j = 0
        while (j < known.length && known[j] === b[from + j]) j++
        if (j === known.length) return seenBytesId[entry] as number
      }
      return idOfText(decode(slot))
    }
    const id = idOfText(decode(slot))
    if (seenBytesOf.length < SEEN_BYTES_LIMIT) {
      seenBytes.set(h, seenBytesOf.length)
      seenBytesOf.push(Uint8Array.prototype.slice.call(b, from, to))
      seenBytesId.push(id)
    }
    return id
  }
  idOfText('')

  const present = (slot: number): boolean =>
    kinds[slot] !== MISSING && (ends[slot] as number) > (starts[slot] as number)

  const isAssumedRole = (): boolean => {
    if (kinds[TYPE] !== ASCII) return kinds[TYPE] === ESCAPED && decode(TYPE) === 'AssumedRole'
    const from = starts[TYPE] as number
    if ((ends[TYPE] as number) - from !== ASSUMED_ROLE.length) return false
    for (let i = 0; i < ASSUMED_ROLE.length; i++) {
      if (bytes[from + i] !== ASSUMED_ROLE[i]) return false
    }
    return true
  }

  /** Who acted: the session issuer of an assumed role, the ARN, the invoking service, the account. */
  const principalSlot = (): number => {
    if (present(ISSUER_ARN) && isAssumedRole()) return ISSUER_ARN
    if (present(ARN)) return ARN
    if (present(INVOKED_BY)) return INVOKED_BY
    return ACCOUNT_ID
  }

  const isLeapYear = (year: number): boolean =>
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const daysIn = (year: number, month: number): number =>
    month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31
  const digit = (i: number): number => {
    const c = (bytes[i] as number) - ZERO
    return c >= 0 && c <= 9 ? c : -100_000
  }

  let lastDay = -1
  let lastDayId = 0
  /**
   * The id of the UTC date of an ISO-8601 `eventTime`, `YYYY-MM-DD`, or of '' when it has none.
   * CloudTrail writes `2026-11-01T12:34:56Z`, read here from the bytes; anything else is parsed.
   */
  const eventDateId = (): number => {
    const i = starts[TIME] as number
    if (kinds[TIME] === ASCII && (ends[TIME] as number) - i === 20) {
      const year = digit(i) * 1000 + digit(i + 1) * 100 + digit(i + 2) * 10 + digit(i + 3)
      const month = digit(i + 5) * 10 + digit(i + 6)
      const day = digit(i + 8) * 10 + digit(i + 9)
      const hour = digit(i + 11) * 10 + digit(i + 12)
      const minute = digit(i + 14) * 10 + digit(i + 15)
      const second = digit(i + 17) * 10 + digit(i + 18)
      if (
        bytes[i + 4] === MINUS &&
        bytes[i + 7] === MINUS &&
        bytes[i + 10] === 0x54 &&
        bytes[i + 13] === COLON &&
        bytes[i + 16] === COLON &&
        bytes[i + 19] === 0x5a &&
        year >= 0 &&
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        day <= daysIn(year, month) &&
        hour >= 0 &&
        hour < 24 &&
        minute >= 0 &&
        minute < 60 &&
        second >= 0 &&
        second < 60
      ) {
        const key = year * 10_000 + month * 100 + day
        if (key !== lastDay) {
          lastDay = key
          lastDayId = idOfText(bytes.toString('latin1', i, i + 10))
        }
        return lastDayId
      }
    }
    return kinds[TIME] === MISSING ? 0 : idOfText(isoDate(decode(TIME)))
  }

  const ISO =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

  /** The UTC date of another ISO-8601 date and time, with an offset or none (UTC). */
  const isoDate = (time: string): string => {
    const match = ISO.exec(time)
    if (match === null) return ''
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
      .slice(1, 7)
      .map((part) => Number(part ?? 0))
    const zone = match[7] ?? 'Z'
    if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return ''
    if (hour > 23 || minute > 59 || second > 59) return ''
    const offsetMinutes =
      zone === 'Z'
        ? 0
        : (zone.startsWith('-') ? -1 : 1) *
          (Number(zone.slice(1, 3)) * 60 + (zone.length > 3 ? Number(zone.slice(-2)) : 0))
    // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
    const utc = new Date(0)
    utc.setUTCFullYear(year, month - 1, day)
    utc.setUTCHours(hour, minute - offsetMinutes, second)
    return utc.toISOString().slice(0, 10)
  }

  /**
   * A 64-bit hash (two 32-bit halves, in `hashHigh` and `hashLow`) of a string's UTF-16 code
   * units, continuing from a seed: two MurmurHash3-style lanes with different constants, mixed
   * together at the end. `hashBytes` is the same over ASCII bytes, which are the same units.
   */
  let hashHigh = 0
  let hashLow = 0
  const finishHash = (a: number, b: number): void => {
    a ^= b
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b)
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35)
    a ^= a >>> 16
    b ^= a
    b = Math.imul(b ^ (b >>> 16), 0x7feb352d)
    b = Math.imul(b ^ (b >>> 15), 0x846ca68b)
    b ^= b >>> 16
    hashHigh = a >>> 0
    hashLow = b >>> 0
  }
  const hashString = (value: string, seedHigh: number, seedLow: number): void => {
    let a = seedHigh ^ value.length
    let b = seedLow ^ Math.imul(value.length, 0x9e3779b1)
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i)
      a = Math.imul(a ^ c, 0xcc9e2d51)
      a = (a << 15) | (a >>> 17)
      b = Math.imul(b ^ c, 0x1b873593)
      b = (b << 13) | (b >>> 19)
      b = (Math.imul(b, 5) + 0xe6546b64) | 0
    }
    finishHash(a, b)
  }
  const hashBytes = (from: number, to: number, seedHigh: number, seedLow: number): void => {
    const bytesNow = bytes
    let a = seedHigh ^ (to - from)
    let b = seedLow ^ Math.imul(to - from, 0x9e3779b1)
    for (let i = from; i < to; i++) {
      const c = bytesNow[i] as number
      a = Math.imul(a ^ c, 0xcc9e2d51)
      a = (a << 15) | (a >>> 17)
      b = Math.imul(b ^ c, 0x1b873593)
      b = (b << 13) | (b >>> 19)
      b = (Math.imul(b, 5) + 0xe6546b64) | 0
    }
    finishHash(a, b)
  }

  const rules = options.flagRules.map((rule) => ({
    id: idOfText(rule.name),
    test: compile(rule.when)
  }))
  // One event object for every record: the key's fields are set on it, the others (rarely
  // tested, after a rule's cheaper conditions) are read from the record when a rule asks.
  const event = {
    identitytype: '',
    errorcode: '',
    eventsource: '',
    eventname: '',
    get invokedby() {
      return decode(INVOKED_BY)
    },
    get eventtype() {
      return decode(EVENT_TYPE)
    },
    get errormessage() {
      return decode(ERROR_MESSAGE)
    },
    get mfaused() {
      return decode(MFA_USED)
    },
    get consolelogin() {
      return decode(CONSOLE_LOGIN)
    }
  } satisfies FlagFields

  // Every key this parser has seen, as a tuple of string ids, found by a hash of the tuple.
  const KEY_LENGTH = 9
  const tuple = new Int32Array(KEY_LENGTH)
  let keyTuples = new Int32Array(KEY_LENGTH * 1024)
  let keyCount = 0
  const keyByHash = new Map<number, number>()
  const keyHashHigh: number[] = []
  const keyHashLow: number[] = []
  const fileCounts: number[] = []

  const keyHashSlot: number[] = []
  /** The key id of `tuple`, or -1, and then `freeHash` is where to add it. */
  let freeHash = 0
  const findKey = (): number => {
    let h = 0x9747b28c
    for (let i = 0; i < KEY_LENGTH; i++)
      h = Math.imul(h ^ (tuple[i] as number), 0x5bd1e995) ^ (h >>> 15)
    for (; ; h = (h + 1) | 0) {
      const id = keyByHash.get(h)
      if (id === undefined) {
        freeHash = h
        return -1
      }
      let i = 0
      while (i < KEY_LENGTH && keyTuples[id * KEY_LENGTH + i] === tuple[i]) i++
      if (i === KEY_LENGTH) return id
    }
  }

  const parse = (input: Uint8Array, gzipped: boolean): FileAggregate => {
    if (gzipped && input.length > 0) {
      try {
        bytes = gunzipSync(input, { chunkSize: GUNZIP_CHUNK })
      } catch (error) {
        const code = (error as { code?: string }).code
        throw new Error(
          code === 'Z_BUF_ERROR'
            ? 'truncated gzip: the file ends before its compressed data does'
            : `not valid gzip: ${(error as Error).message}`
        )
      }
    } else {
      bytes = Buffer.from(input.buffer, input.byteOffset, input.length)
    }
    end = bytes.length
    // An empty file is an empty delivery, not a broken one.
    if (end === 0) {
      return { records: 0, newKeys: [], counts: new Uint32Array(0), eventIds: new Uint32Array(0) }
    }
    const firstKey = keyCount
    const newKeys: string[] = []
    const touched: number[] = []
    const eventIds: number[] = []
    let records = 0
    let notCloudTrail = ''

    const countRecord = (): void => {
      const date = eventDateId()
      if (options.byEventTime) {
        const day = texts[date] as string
        if (day === '' || day < options.start || day > options.end) return
      }
      tuple[0] = idOf(ACCOUNT)
      tuple[1] = idOf(REGION)
      tuple[2] = idOf(SOURCE)
      tuple[3] = idOf(NAME)
      tuple[4] = date
      tuple[5] = idOf(ERROR)
      tuple[6] = idOf(TYPE)
      tuple[7] = idOf(principalSlot())
      event.eventsource = texts[tuple[2] as number] as string
      event.eventname = texts[tuple[3] as number] as string
      event.errorcode = texts[tuple[5] as number] as string
      event.identitytype = texts[tuple[6] as number] as string
      tuple[8] = 0
      for (const rule of rules) {
        if (rule.test(event)) {
          tuple[8] = rule.id
          break
        }
      }
      let id = findKey()
      if (id < 0) {
        id = keyCount++
        if (keyTuples.length < keyCount * KEY_LENGTH) {
          const bigger = new Int32Array(keyTuples.length * 2)
          bigger.set(keyTuples)
          keyTuples = bigger
        }
        keyTuples.set(tuple, id * KEY_LENGTH)
        keyByHash.set(freeHash, id)
        keyHashSlot[id] = freeHash
        const values = Array.from(tuple, (text) => texts[text] as string)
        const key = JSON.stringify(values)
        newKeys.push(key)
        hashString(key, 0x243f6a88, 0x85a308d3)
        keyHashHigh[id] = hashHigh
        keyHashLow[id] = hashLow
        fileCounts[id] = 0
      }
      if (options.dedupe && present(EVENT_ID)) {
        const seedHigh = keyHashHigh[id] as number
        const seedLow = keyHashLow[id] as number
        if (kinds[EVENT_ID] === ASCII) {
          hashBytes(starts[EVENT_ID] as number, ends[EVENT_ID] as number, seedHigh, seedLow)
        } else {
          hashString(decode(EVENT_ID), seedHigh, seedLow)
        }
        eventIds.push(id, hashHigh, hashLow)
      } else {
        if (fileCounts[id] === 0) touched.push(id)
        fileCounts[id] = (fileCounts[id] as number) + 1
      }
    }

    try {
      scan(
        bytes,
        () => {
          if (notCloudTrail === '') countRecord()
        },
        (isObject) => {
          if (!isObject && notCloudTrail === '') {
            notCloudTrail = `not a CloudTrail log file: Records[${records}] is not an object`
          }
          records++
        },
        (problem) => {
          if (notCloudTrail === '') notCloudTrail = `not a CloudTrail log file: ${problem}`
        }
      )
      if (notCloudTrail !== '') throw new Error(notCloudTrail)
    } catch (error) {
      // A file that cannot be read counts for nothing, not even the keys it introduced.
      // Deleting the newest keys breaks no probe sequence: older keys never probed past them.
      for (let id = firstKey; id < keyCount; id++) keyByHash.delete(keyHashSlot[id] as number)
      keyCount = firstKey
      for (const id of touched) fileCounts[id] = 0
      throw error
    } finally {
      bytes = Buffer.alloc(0)
    }

    const counts = new Uint32Array(touched.length * 2)
    touched.forEach((id, i) => {
      counts[i * 2] = id
      counts[i * 2 + 1] = fileCounts[id] as number
      fileCounts[id] = 0
    })
    return { records, newKeys, counts, eventIds: Uint32Array.from(eventIds) }
  }

  return { parse }
}
