/**
 * Events for the rules of the built-in pack beyond the CIS ones (those come from `auditRecords`),
 * so that every generated sample exercises every rule: each rule's cases (`rule-cases/`), the
 * events it must match and its near misses, moved to the sample's account, region and time, each
 * a new event; and for a threshold rule, its first match as many times as its count, by the same
 * principal, so that its burst is found too.
 */
import { BUILTIN_RULE_FILES } from '../../src/rules/builtin.js'
import { readRuleFile } from '../../src/rules/sigma.js'
import type { EventContext, JsonObject } from './events.js'
import { PACK_CASES } from './rule-cases/index.js'

/** Each threshold rule's count, by name. */
const THRESHOLDS: ReadonlyMap<string, number> = new Map(
  BUILTIN_RULE_FILES.flatMap(({ file, text }) => readRuleFile(text, file, true).rules).flatMap(
    (rule) =>
      rule.name === undefined || rule.threshold === undefined
        ? []
        : [[rule.name, rule.threshold.count] as const]
  )
)

/** The records of every case of the pack, in the context's account, region and time. */
export function detectionRecords(context: EventContext): JsonObject[] {
  const { random } = context
  const eventTime = context.time.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const moved = (record: JsonObject): JsonObject => ({
    ...record,
    eventTime,
    awsRegion: context.region,
    requestID: random.uuid(),
    eventID: random.uuid(),
    recipientAccountId: context.account
  })
  return PACK_CASES.flatMap(({ rule, matches, misses }) => {
    const cases = [...Object.values(matches), ...Object.values(misses)]
    const [first] = Object.values(matches)
    const copies = first === undefined ? 0 : (THRESHOLDS.get(rule) ?? 0)
    return [...cases, ...Array.from({ length: copies }, () => first as JsonObject)].map(moved)
  })
}
