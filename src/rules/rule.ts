/**
 * A detection rule as the engines see it: one representation, read from Sigma YAML by the loader,
 * compiled to SQL for Athena and to predicates for the local engine, so the two cannot drift.
 * https://github.com/SigmaHQ/sigma-specification
 */

/** Sigma's levels, most severe first: reports and `fail-on` rank findings by this order. */
export const LEVELS = ['critical', 'high', 'medium', 'low', 'informational'] as const
export type Level = (typeof LEVELS)[number]

/**
 * Where a field's value is in the record, as the field catalogue (`fields.ts`) resolves a
 * CloudTrail path such as `userIdentity.sessionContext.sessionIssuer.type`. Every source carries
 * both spellings of the path: `column` and `path`/`field` are the Athena table's lowercase names
 * (SQL), `keys` the record's own JSON keys from its root (`['userIdentity', 'type']`), which the
 * local engine reads; for `array`, `keys` is the array's key then the element's.
 * - `column`: a top-level scalar (`eventName`), a string column of the Athena table;
 * - `struct`: a scalar inside a struct column (`userIdentity.type`);
 * - `json`: inside an object whose shape varies by service, a JSON string column in Athena
 *   (`requestParameters.userName`); an empty `path` is the whole object's JSON text;
 * - `array`: a field of the elements of an array of structs (`resources.ARN`): a test on it
 *   holds when it holds for any element.
 */
export type FieldSource =
  | { readonly kind: 'column'; readonly column: string; readonly keys: readonly string[] }
  | {
      readonly kind: 'struct'
      readonly column: string
      readonly path: readonly string[]
      readonly keys: readonly string[]
    }
  | {
      readonly kind: 'json'
      readonly column: string
      readonly path: readonly string[]
      readonly keys: readonly string[]
    }
  | {
      readonly kind: 'array'
      readonly column: string
      readonly field: string
      readonly keys: readonly string[]
    }

export interface Field {
  /** The CloudTrail record path, as the rule writes it. */
  readonly path: string
  readonly source: FieldSource
}

/** A piece of a Sigma string value: literal text, or the wildcards `*` (any run) and `?` (one). */
export type PatternPart = { readonly text: string } | '*' | '?'

/** What a field's value must be. */
export type Test =
  /**
   * A Sigma string value (plain, with wildcards, or `contains`/`startswith`/`endswith`, which add
   * `*`): case-insensitive unless `cased`, and then the loader has lowercased the parts' text (as
   * `lower()` does: per code point), so the compilers lowercase only the value. Numbers and
   * booleans are compared as their text.
   */
  | { readonly kind: 'pattern'; readonly parts: readonly PatternPart[]; readonly cased: boolean }
  /**
   * `re`, with its `i`, `m` and `s` sub-modifiers; matches anywhere in the value. `source` is the
   * rule's expression rewritten by the loader (`regex.ts`) into a subset that means the same to
   * Trino (Joni), RE2 and JavaScript: `.`, `\d`, `\w`, `\s` and their negations are explicit
   * classes, and an unescaped `^` (other than after `[`) or `$` is an anchor, which each compiler
   * renders for its dialect with `multiline`.
   */
  | {
      readonly kind: 'regex'
      readonly source: string
      readonly ignoreCase: boolean
      readonly multiline: boolean
      readonly dotAll: boolean
    }
  /** `cidr`: an IPv4 address in the network. */
  | { readonly kind: 'cidr'; readonly network: string; readonly prefixLength: number }
  /**
   * `exists: true`; `exists: false` is `not` around it. Present and not null; at a `json` path an
   * object or an array is present too, although it has no text to match.
   */
  | { readonly kind: 'exists' }
  /** The value `null`: absent or null, the opposite of `exists`. */
  | { readonly kind: 'null' }

export type Condition =
  | { readonly kind: 'and'; readonly all: readonly Condition[] }
  | { readonly kind: 'or'; readonly any: readonly Condition[] }
  | { readonly kind: 'not'; readonly condition: Condition }
  | { readonly kind: 'match'; readonly field: Field; readonly test: Test }

/**
 * A burst rule (a project extension, `threshold:` in the YAML): its findings are the matching
 * events of each principal (or account, region) and UTC day whose count reaches `count`. Evaluated
 * on the aggregate in shared code, so it costs no second scan.
 */
export interface Threshold {
  readonly count: number
  readonly per: readonly ('principal' | 'account' | 'region')[]
}

export interface Rule {
  /** The rule's `name` when it has one, else its `id`: what reports and `fail-on` call it. */
  readonly key: string
  readonly id: string
  readonly name: string | undefined
  readonly title: string
  readonly description: string
  /** Kept on every finding: Sigma's Detection Rule License requires it. */
  readonly author: string
  readonly level: Level
  readonly status: string
  readonly tags: readonly string[]
  readonly references: readonly string[]
  readonly falsepositives: readonly string[]
  /** The file it was read from, relative to the workspace (or `rules/…` for a built-in rule). */
  readonly file: string
  readonly builtin: boolean
  readonly condition: Condition
  readonly threshold: Threshold | undefined
}
