import type { JsonObject } from '../records.js'

/**
 * What one built-in rule must do: events it must match and near misses it must not, each named
 * by what it is. A threshold rule's events must each match its detection; the harness then checks
 * the count on copies of the first one.
 */
export interface RuleCases {
  /** The rule's `name`. */
  readonly rule: string
  readonly matches: Readonly<Record<string, JsonObject>>
  readonly misses: Readonly<Record<string, JsonObject>>
}
