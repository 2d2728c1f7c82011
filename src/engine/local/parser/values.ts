import type { Evidence } from '../../aggregate.js'
import { REQUEST_PARAMETERS_LIMIT } from '../../aggregate.js'
import type { FieldSource } from '../../../rules/rule.js'
import { resolveField } from '../../../rules/fields.js'
import type { RecordValues } from '../predicates.js'
import { jsonRecordValues } from '../record-values.js'
import { type Captures, MISSING, RAW } from './captures.js'
import { EVENT_ID, REQUEST_PARAMETERS, RESOURCES, SOURCE_IP, TIME, USER_AGENT } from './record.js'
import type { FieldPath } from './shapes.js'

type JsonRecord = { readonly [key: string]: unknown }

/** The evidence's fields that are objects or arrays: read from their captured JSON text. */
const EVIDENCE_SOURCES = [resolveField('resources.ARN'), resolveField('requestParameters')].map(
  (field) => field.source
)
const ARNS = 0
const PARAMETERS = 1

/**
 * The current record's values as the compiled rules read them (`RecordValues`, by the index of
 * the field in `fields`, the rule compiler's list, which grows as it compiles): a captured column
 * or struct field from its bytes; any other (JSON objects, arrays) from the record read with
 * `JSON.parse`, once per record and only when a rule asks. The reference accessor
 * (`record-values.ts`) defines the values: both give the same.
 */
export class CapturedValues implements RecordValues {
  /** By field index: its slot, -1 when it is read from the parsed record; unset until asked. */
  private readonly slots: number[] = []
  private readonly slotOfPath: Map<string, number>
  private parsed: JsonRecord | undefined
  private parsedValues: RecordValues | undefined

  constructor(
    private readonly captures: Captures,
    private readonly fields: readonly FieldSource[],
    paths: readonly FieldPath[]
  ) {
    this.slotOfPath = new Map(paths.map((path, slot) => [path.join('.'), slot]))
  }

  /** On to the next record: nothing read of the last one is kept. */
  reset(): void {
    this.parsed = undefined
    this.parsedValues = undefined
  }

  text(field: number): string | null {
    const slot = this.slotOf(field)
    return slot >= 0 ? this.captures.text(slot) : this.fromRecord().text(field)
  }

  present(field: number): boolean {
    return this.fromRecord().present(field)
  }

  elements(field: number): readonly (string | null)[] | null {
    return this.fromRecord().elements(field)
  }

  /**
   * The record's evidence, from its captures: its time, id, source address and user agent, the
   * ARNs of its resources space-separated, and its request parameters' compact JSON text cut to
   * `REQUEST_PARAMETERS_LIMIT` code points.
   */
  evidence(): Evidence {
    const { captures } = this
    // The two values alone, unless a rule has read the whole record already.
    const values = this.parsed ?? {
      resources: valueOf(captures, RESOURCES),
      requestParameters: valueOf(captures, REQUEST_PARAMETERS)
    }
    const record = jsonRecordValues(EVIDENCE_SOURCES, values)
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

  private slotOf(field: number): number {
    let slot = this.slots[field]
    if (slot === undefined) {
      const source = this.fields[field]
      slot =
        source !== undefined && (source.kind === 'column' || source.kind === 'struct')
          ? (this.slotOfPath.get(source.keys.join('.')) ?? -1)
          : -1
      this.slots[field] = slot
    }
    return slot
  }

  private record(): JsonRecord {
    this.parsed ??= this.captures.parseRecord()
    return this.parsed
  }

  private fromRecord(): RecordValues {
    this.parsedValues ??= jsonRecordValues(this.fields, this.record())
    return this.parsedValues
  }
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
