/**
 * The aggregate's `principal` and `actor` are computed from several fields of `userIdentity`
 * (the first of a list that is set). A test on them, such as a suppression's `principal: …`, is
 * written here as a `Condition` over those fields, so that the rule compilers (SQL and local
 * predicates) evaluate it with no notion of computed values, and agree by construction; the SQL
 * oracle test checks these lists against the engines' own `principal` and `actor`.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import { resolveField } from './fields.js'
import { normalizeRegex } from './regex.js'
import type { Condition, Field, PatternPart, Test } from './rule.js'
import { lowerText, patternParts } from './values.js'

/**
 * One place a computed value may come from: a field's text, or (`lastSegment`) the part of it
 * after its last `/` (the session name of an assumed role's ARN; none without a `/`), when
 * `guard` holds.
 */
interface Candidate {
  readonly guard?: Condition
  readonly field: Field
  readonly lastSegment?: true
}

const field = (path: string): Field => resolveField(path)

/** `userIdentity.type` is `AssumedRole`, compared as the engines do: exactly. */
const ASSUMED_ROLE: Condition = {
  kind: 'match',
  field: field('userIdentity.type'),
  test: { kind: 'pattern', parts: [{ text: 'AssumedRole' }], cased: true }
}

/**
 * Who acted, as the aggregate's `principal`: the role behind an assumed-role session, else the
 * identity's ARN, else the service that acted, else the user's name (an IAM user or root without
 * an ARN), else the account.
 */
export const PRINCIPAL_CANDIDATES: readonly Candidate[] = [
  { guard: ASSUMED_ROLE, field: field('userIdentity.sessionContext.sessionIssuer.arn') },
  { field: field('userIdentity.arn') },
  { field: field('userIdentity.invokedBy') },
  { field: field('userIdentity.userName') },
  { field: field('userIdentity.accountId') }
]

/**
 * The person or session behind the principal, as the aggregate's `actor`: the source identity of
 * a role session, else the session name of an assumed role, else the user's name, else the
 * Identity Center user acting through a service, else the service that acted.
 */
export const ACTOR_CANDIDATES: readonly Candidate[] = [
  { field: field('userIdentity.sessionContext.sourceIdentity') },
  { guard: ASSUMED_ROLE, field: field('userIdentity.arn'), lastSegment: true },
  { field: field('userIdentity.userName') },
  { field: field('userIdentity.onBehalfOf.userId') },
  { field: field('userIdentity.invokedBy') }
]

/** Any text but `''`: a set value, which the engines take (`nullif(…, '')` in SQL). */
const NOT_EMPTY: Test = { kind: 'pattern', parts: ['?', '*'], cased: true }

/** Regex text of a pattern part, in the subset `normalizeRegex` keeps, within one segment. */
function segmentRegex(part: PatternPart): string {
  if (part === '*') return '[^/]*'
  if (part === '?') return '[^/]'
  return Array.from(part.text)
    .map((char) => (/[\\^$.|?*+()[\]{}]/.test(char) ? `\\${char}` : char))
    .join('')
}

function regexTest(source: string): Test {
  return {
    kind: 'regex',
    source: normalizeRegex(source, false),
    ignoreCase: true,
    multiline: false,
    dotAll: false
  }
}

function isSet(candidate: Candidate): Condition {
  const test = candidate.lastSegment === true ? regexTest('/[^/]+$') : NOT_EMPTY
  const set: Condition = { kind: 'match', field: candidate.field, test }
  return candidate.guard === undefined ? set : { kind: 'and', all: [candidate.guard, set] }
}

/**
 * `value` as a case-insensitive pattern (`*` and `?` wildcards, `\` escapes, as a Sigma plain
 * value) against a candidate. Of a last segment the wildcards match within the segment (a session
 * name has no `/`); its case is compared by the regular expression's `i`, which is `lower()`'s for
 * the ASCII that session names are made of.
 */
function holds(candidate: Candidate, parts: readonly PatternPart[]): Condition {
  if (candidate.lastSegment === true) {
    const test = regexTest(`/${parts.map(segmentRegex).join('')}$`)
    return { kind: 'match', field: candidate.field, test }
  }
  const lowered = parts.map((part) =>
    typeof part === 'string' ? part : { text: lowerText(part.text) }
  )
  return {
    kind: 'match',
    field: candidate.field,
    test: { kind: 'pattern', parts: lowered, cased: false }
  }
}

/**
 * Whether the value computed from `candidates` (the first that is set, else `''`) matches `value`:
 * for each candidate, none before it is set, it is set, and it matches; or none is set and the
 * pattern matches `''`.
 */
export function computedMatch(candidates: readonly Candidate[], value: string): Condition {
  const parts = patternParts(value)
  const branches: Condition[] = []
  const before: Condition[] = []
  for (const candidate of candidates) {
    branches.push({
      kind: 'and',
      all: [...before, isSet(candidate), holds(candidate, parts)]
    })
    before.push({ kind: 'not', condition: isSet(candidate) })
  }
  if (parts.every((part) => part === '*')) branches.push({ kind: 'and', all: before })
  return { kind: 'or', any: branches }
}
