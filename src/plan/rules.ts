import { Input, type Inputs } from '../inputs/inputs.js'
import { InputError } from '../inputs/validation.js'
import { loadRules, RulesInputError } from '../rules/load.js'
import type { Rule } from '../rules/rule.js'
import { RuleFileError } from '../rules/sigma.js'
import { LOGGING_GAP } from '../rules/gaps.js'
import type { Log } from '../run/log.js'

/** A rule of the rule files that is not run, and why. */
export interface RuleNotRun {
  readonly file: string
  readonly id: string
  readonly title: string
  /** The construct the engines lack, or the log source that is not AWS CloudTrail. */
  readonly reason: string
}

export interface RunRules {
  /** By key, ascending by code point. */
  readonly rules: readonly Rule[]
  readonly notRun: readonly RuleNotRun[]
}

/**
 * The run's rules, from `builtin-rules` and `rules`, read before any AWS call. A rule file that
 * cannot be read, or an entry that gives no rule to run, is an input error naming the input, the
 * file and the line; each rule that is not run is a warning naming its file, id and why.
 */
export async function loadRunRules(
  inputs: Pick<Inputs, 'rules' | 'builtinRules'>,
  workspace: string,
  log: Log
): Promise<RunRules> {
  let loaded
  try {
    loaded = await loadRules({ builtin: inputs.builtinRules, paths: inputs.rules, workspace })
  } catch (error) {
    if (error instanceof RuleFileError) {
      throw new InputError(Input.Rules, `has a file that is not a Sigma rule: ${error.message}`)
    }
    if (error instanceof RulesInputError) {
      throw new InputError(Input.Rules, error.message.replace(/^rules: /, ''))
    }
    throw error
  }
  const notRun: RuleNotRun[] = [
    ...loaded.notRun.map(({ file, id, title, reason }) => ({ file, id, title, reason })),
    ...loaded.notApplicable.map(({ file, id, title, logsource }) => ({
      file,
      id,
      title,
      reason: `its logsource ${logsource} is not AWS CloudTrail (aws/cloudtrail)`
    }))
  ]
  for (const rule of notRun) {
    log.warning(`Rule ${rule.id || '(no id)'} in ${rule.file} is not run: ${rule.reason}`)
  }
  const reserved = loaded.rules.find((rule) => rule.key === LOGGING_GAP || rule.id === LOGGING_GAP)
  if (reserved !== undefined) {
    throw new InputError(
      Input.Rules,
      `has a rule called ${LOGGING_GAP} (${reserved.file}), the name of the logging gaps' findings: rename it`
    )
  }
  return { rules: loaded.rules, notRun }
}
