import type { Evidence } from '../../aggregate.js'
import { REQUEST_PARAMETERS_LIMIT } from '../../aggregate.js'
import type { FieldSource } from '../../../rules/rule.js'
import { resolveField } from '../../../rules/fields.js'
import type { RecordValues } from '../predicates.js'
import { jsonRecordValues } from '../record-values.js'
import { ASCII, type Captures, MISSING, RAW } from './captures.js'
import { EVENT_ID, REQUEST_PARAMETERS, RESOURCES, SOURCE_IP, TIME, USER_AGENT } from './record.js'
import type { FieldPath } from './shapes.js'

/** The evidence's fields that are objects or arrays: read from their captured JSON text. */
const EVIDENCE_SOURCES = [resolveField('resources.ARN'), resolveField('requestParameters')].map(
  (field) => field.source
)
const ARNS = 0
const PARAMETERS = 1

/**
 * Where a field's value is: `slot`, its capture (-1 for an array field, read from its parsed
 * JSON); for a field below a JSON object, `root`, the capture of that object (else -1).
 */
interface Place {
  readonly slot: number
  readonly root: number
}

const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b

/**
 * The current record's values as the compiled rules read them (`RecordValues`, by the index of
 * the field in `fields`, the rule compiler's list, which grows as it compiles), all from the
 * parser's captures (`recordFields` captures every field a rule names, and the JSON objects and
 * arrays they are in). Only an array's elements, and a field below a JSON column that holds JSON
 * as a string, are read with `JSON.parse`, of that one value, when a rule asks. The reference
 * accessor (`record-values.ts`) defines the values: both give the same.
 */
export class CapturedValues implements RecordValues {
  /** By field index; unset until asked. */
  private readonly places: Place[] = []
  /** By slot: the last ASCII text read from it (`textOf`). */
  private readonly lastTexts: (string | undefined)[] = []
  private readonly slotOfPath: Map<string, number>
  /** The JSON columns and arrays of the record that rules read parsed, by key; null if none. */
  private parsed: { [key: string]: unknown } | null = null
  private parsedValues: RecordValues | null = null

  constructor(
    private readonly captures: Captures,
    private readonly fields: readonly FieldSource[],
    paths: readonly FieldPath[]
  ) {
    this.slotOfPath = new Map(paths.map((path, slot) => [path.join('.'), slot]))
  }

  /** On to the next record: nothing read of the last one is kept. */
  reset(): void {
    this.parsed = null
    this.parsedValues = null
  }

  text(field: number): string | null {
    const { slot, root } = this.placeOf(field)
    const { captures } = this
    if (root < 0) return slot >= 0 ? this.textOf(slot) : this.fromParsed(field).text(field)
    if (holdsText(captures, root)) return this.fromParsed(field).text(field)
    // `json_extract_scalar` gives no text for an object or an array.
    if (captures.kinds[slot] === RAW) {
      const first = captures.bytes[captures.starts[slot] as number]
      if (first === OPEN_OBJECT || first === OPEN_ARRAY) return null
    }
    return this.textOf(slot)
  }

  /**
   * The captured text in `slot`: the last one read from that slot when the bytes are the same,
   * as they often are from record to record (a role, a service), so that a rule's tests of it
   * make no new string and can reuse their last answer (`predicates.ts`).
   */
  private textOf(slot: number): string | null {
    const { captures } = this
    if (captures.kinds[slot] !== ASCII) return captures.text(slot)
    const from = captures.starts[slot] as number
    const length = (captures.ends[slot] as number) - from
    const last = this.lastTexts[slot]
    if (last !== undefined && last.length === length) {
      const b = captures.bytes
      let i = 0
      while (i < length && last.charCodeAt(i) === b[from + i]) i++
      if (i === length) return last
    }
    const text = captures.decode(slot)
    this.lastTexts[slot] = text
    return text
  }

  present(field: number): boolean {
    const { slot, root } = this.placeOf(field)
    if (root >= 0 && holdsText(this.captures, root)) return this.fromParsed(field).present(field)
    return this.captures.kinds[slot] !== MISSING
  }

  elements(field: number): readonly (string | null)[] | null {
    return this.fromParsed(field).elements(field)
  }

  /**
   * The record's evidence, from its captures: its time, id, source address and user agent, the
   * ARNs of its resources space-separated, and its request parameters' compact JSON text cut to
   * `REQUEST_PARAMETERS_LIMIT` code points.
   */
  evidence(): Evidence {
    const { captures } = this
    const record = jsonRecordValues(EVIDENCE_SOURCES, {
      resources: this.parsed?.resources ?? valueOf(captures, RESOURCES),
      requestParameters: this.parsed?.requestParameters ?? valueOf(captures, REQUEST_PARAMETERS)
    })
    const arns = record.elements(ARNS) ?? []
    const parameters = record.text(PARAMETERS) ?? ''
    return {
      eventtime: captures.decode(TIME),
      eventid: captures.decode(EVENT_ID),
      sourceipaddress: captures.decode(SOURCE_IP),
      useragent: captures.decode(USER_AGENT),
      resources: arns.filter((arn) => arn !== null).join(' '),
      requestparameters: cutCodePoints(parameters, REQUEST_PARAMETERS_LIMIT)
    }
  }

  private placeOf(field: number): Place {
    let place = this.places[field]
    if (place === undefined) {
      const source = this.fields[field]
      if (source === undefined) throw new Error(`No field ${field}`)
      const slotOf = (keys: readonly string[]): number => {
        const slot = this.slotOfPath.get(keys.join('.'))
        if (slot === undefined) throw new Error(`The field ${keys.join('.')} is not captured`)
        return slot
      }
      place =
        source.kind === 'array'
          ? { slot: -1, root: -1 }
          : {
              slot: slotOf(source.keys),
              root:
                source.kind === 'json' && source.path.length > 0
                  ? slotOf(source.keys.slice(0, 1))
                  : -1
            }
      this.places[field] = place
    }
    return place
  }

  /** The reference's values over the field's JSON column or array, parsed once per record. */
  private fromParsed(field: number): RecordValues {
    const key = (this.fields[field] as FieldSource).keys[0] as string
    this.parsed ??= {}
    if (!Object.hasOwn(this.parsed, key)) {
      const slot = this.slotOfPath.get(key)
      if (slot === undefined) throw new Error(`The field ${key} is not captured`)
      this.parsed[key] = valueOf(this.captures, slot)
    }
    this.parsedValues ??= jsonRecordValues(this.fields, this.parsed)
    return this.parsedValues
  }
}

/**
 * Whether a JSON column holds a string: the reference then reads the JSON text in it, so the
 * fields below it are read from that, not from the captures.
 */
function holdsText(captures: Captures, slot: number): boolean {
  const kind = captures.kinds[slot]
  return kind !== MISSING && kind !== RAW
}

/** A captured value as `JSON.parse` gives it (`null` when absent). */
function valueOf(captures: Captures, slot: number): unknown {
  const kind = captures.kinds[slot]
  if (kind === MISSING) return null
  if (kind !== RAW) return captures.decode(slot)
  const from = captures.starts[slot] as number
  return JSON.parse(captures.bytes.toString('utf8', from, captures.ends[slot] as number))
}

/** The text's first `limit` code points (a pair of surrogates is one). */
export function cutCodePoints(text: string, limit: number): string {
  if (text.length <= limit) return text
  let end = 0
  for (let count = 0; count < limit && end < text.length; count++) {
    const unit = text.charCodeAt(end)
    const next = text.charCodeAt(end + 1)
    end += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1
  }
  return text.slice(0, end)
}
