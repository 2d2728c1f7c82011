import { CREDENTIAL_ACCESS_CASES } from './credential-access.js'
import { DEFENSE_EVASION_CASES } from './defense-evasion.js'
import { DISCOVERY_EXECUTION_CASES } from './discovery-execution.js'
import { EXFILTRATION_IMPACT_CASES } from './exfiltration-impact.js'
import { PERSISTENCE_CASES } from './persistence.js'
import type { RuleCases } from './rule-cases.js'

export type { RuleCases }

/** The cases of the pack's rules beyond the CIS ones, grouped by tactic in their files. */
export const PACK_CASES: readonly RuleCases[] = [
  ...DEFENSE_EVASION_CASES,
  ...CREDENTIAL_ACCESS_CASES,
  ...DISCOVERY_EXECUTION_CASES,
  ...PERSISTENCE_CASES,
  ...EXFILTRATION_IMPACT_CASES
]
