import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { InputError } from './validation.js'

/**
 * A statement of an IAM policy document, as far as the allow-list check reads it: its effect and
 * its action patterns. `Resource`, `NotResource` and `Condition` are not evaluated: the aggregate
 * holds no resource names and no request context to evaluate them against.
 */
export interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny'
  /** The patterns of `Action`, or of `NotAction` when `notAction` is set. */
  readonly actions: readonly string[]
  /** The statement applies to every action its patterns do not match. */
  readonly notAction: boolean
}

export interface PolicyDocument {
  readonly statements: readonly PolicyStatement[]
}

/** `*`, or `service:Action` where either part may hold `*` and `?` wildcards. */
const ACTION_PATTERN = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?-]+)$/

/**
 * Reads the policy document at `path` (relative to `workspace`) for `input`. A file that is
 * missing, not JSON, or not a policy document fails with an `InputError` that names the input,
 * the file and what is wrong, before any AWS call.
 */
export async function readPolicyDocument(
  input: string,
  path: string,
  workspace: string
): Promise<PolicyDocument> {
  const absolute = resolve(workspace, path)
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`
    throw new InputError(input, `names a file that ${why}: ${absolute}`)
  }
  try {
    return parsePolicyDocument(text)
  } catch (error) {
    throw new InputError(
      input,
      `must be an IAM policy document: ${path}: ${(error as Error).message}`
    )
  }
}

/** An IAM policy document's statements; throws with what is wrong, naming the statement. */
export function parsePolicyDocument(text: string): PolicyDocument {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`)
  }
  if (!isObject(document)) throw new Error('the document must be a JSON object')
  const version = document.Version
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new Error(
      `"Version" must be "2012-10-17" or "2008-10-17"; got ${JSON.stringify(version)}`
    )
  }
  const statements = document.Statement
  if (statements === undefined) throw new Error('it has no "Statement"')
  const list = Array.isArray(statements) ? (statements as unknown[]) : [statements]
  if (list.length === 0) throw new Error('"Statement" is an empty list')
  return { statements: list.map((statement, i) => parseStatement(statement, `Statement[${i}]`)) }
}

function parseStatement(statement: unknown, where: string): PolicyStatement {
  if (!isObject(statement)) throw new Error(`${where} must be an object`)
  const effect = statement.Effect
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new Error(`${where}: "Effect" must be "Allow" or "Deny"; got ${JSON.stringify(effect)}`)
  }
  const hasAction = statement.Action !== undefined
  const hasNotAction = statement.NotAction !== undefined
  if (hasAction === hasNotAction) {
    throw new Error(`${where} must have exactly one of "Action" and "NotAction"`)
  }
  const key = hasAction ? 'Action' : 'NotAction'
  return { effect, actions: patterns(statement[key], `${where}.${key}`), notAction: hasNotAction }
}

function patterns(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((item) => typeof item === 'string')
  ) {
    throw new Error(`${where} must be an action or a non-empty list of actions`)
  }
  for (const pattern of list as string[]) {
    if (!ACTION_PATTERN.test(pattern)) {
      throw new Error(
        `${where}: ${JSON.stringify(pattern)} is not an action such as "s3:GetObject", "s3:Get*" or "*"`
      )
    }
  }
  return list as string[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
