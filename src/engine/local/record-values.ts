import type { FieldSource } from '../../rules/rule.js'
import type { RecordValues } from './predicates.js'

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }

const isObject = (value: unknown): value is { readonly [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A value read by the Athena table's SerDe into a STRING column: scalars as text, objects as JSON. */
function columnText(value: Json | undefined): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

function child(value: Json | undefined, key: string): Json | undefined {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined
}

/**
 * `json_extract_scalar` (text) and whether `json_extract` finds a non-null value (presence) at a
 * path below a JSON column: the column's text is parsed as JSON (a string column holding JSON text
 * is read through, as Athena reads it); only objects are entered, by key.
 */
function jsonValue(column: Json | undefined, path: readonly string[]): Json | undefined {
  let value: Json | undefined = column
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as Json
    } catch {
      return undefined
    }
  }
  for (const key of path) value = child(value, key)
  return value
}

/**
 * `RecordValues` over a record read with `JSON.parse`, computing each value when a rule first asks
 * for it: the reference the local engine's parser must agree with, and what tests use.
 */
export function jsonRecordValues(
  fields: readonly FieldSource[],
  record: { readonly [key: string]: unknown }
): RecordValues {
  const root = record as { readonly [key: string]: Json }
  const at = (keys: readonly string[]): Json | undefined =>
    keys.reduce<Json | undefined>((value, key) => child(value, key), root)
  const source = (field: number): FieldSource => {
    const found = fields[field]
    if (found === undefined) throw new Error(`No field ${field}`)
    return found
  }
  const jsonAt = (field: FieldSource & { kind: 'json' }): Json | undefined =>
    jsonValue(root[field.keys[0] as string], field.path)
  return {
    text(field) {
      const found = source(field)
      if (found.kind === 'json' && found.path.length > 0) {
        const value = jsonAt(found)
        return typeof value === 'object' ? null : columnText(value)
      }
      return columnText(at(found.keys))
    },
    present(field) {
      const found = source(field)
      if (found.kind !== 'json') throw new Error(`${found.kind} fields have no presence test`)
      const value = found.path.length > 0 ? jsonAt(found) : root[found.keys[0] as string]
      return value !== undefined && value !== null
    },
    elements(field) {
      const found = source(field)
      const [arrayKey = '', elementKey = ''] = found.keys
      const array = root[arrayKey]
      if (!Array.isArray(array)) return null
      return (array as readonly Json[]).map((element) => columnText(child(element, elementKey)))
    }
  }
}
