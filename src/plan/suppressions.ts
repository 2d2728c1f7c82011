import { Input, type Inputs } from '../inputs/inputs.js'
import { InputError } from '../inputs/validation.js'
import type { Rule } from '../rules/rule.js'
import {
  isExpired,
  readSuppressions,
  SuppressionsFileError,
  type SuppressionEntry
} from '../rules/suppressions.js'
import type { Log } from '../run/log.js'

/** The run's suppressions file, split by whether each entry still holds. */
export interface RunSuppressions {
  readonly file: string
  /** Every entry, in file order. */
  readonly entries: readonly SuppressionEntry[]
  /** The entries the scan applies. */
  readonly active: readonly SuppressionEntry[]
  /** The entries past their `expires` day: not applied, their findings count again. */
  readonly expired: readonly SuppressionEntry[]
}

/**
 * The suppressions file of `suppressions` (or the default one, when it exists), read and checked
 * against the run's rules before any AWS call: a file that cannot be used is an input error
 * naming the file, the line and the rule. Each expired entry is a warning.
 */
export async function loadRunSuppressions(
  inputs: Pick<Inputs, 'suppressions' | 'today'>,
  workspace: string,
  rules: readonly Rule[],
  log: Log
): Promise<RunSuppressions | undefined> {
  let read
  try {
    read = await readSuppressions(inputs.suppressions, workspace, rules)
  } catch (error) {
    if (error instanceof SuppressionsFileError) {
      throw new InputError(Input.Suppressions, `names a file that cannot be used: ${error.message}`)
    }
    throw error
  }
  if (read === undefined) return undefined
  const expired = read.entries.filter((entry) => isExpired(entry, inputs.today))
  for (const entry of expired) {
    log.warning(
      `${read.file}:${entry.line}: the suppression of ${entry.rule} expired on ${entry.expires ?? ''}: its findings count again; renew or remove it`
    )
  }
  return {
    file: read.file,
    entries: read.entries,
    active: read.entries.filter((entry) => !isExpired(entry, inputs.today)),
    expired
  }
}
