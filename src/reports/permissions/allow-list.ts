import type { PolicyDocument } from '../../inputs/policy-document.js'
import { catalogueActions } from './catalogue.js'

/** The allow-list of `fail-on-permissions`: a policy document, and the path it was read from. */
export interface AllowList {
  readonly path: string
  readonly document: PolicyDocument
}

interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny'
  readonly patterns: readonly RegExp[]
  readonly notAction: boolean
}

/**
 * Whether the document allows an action, as IAM evaluates a policy's statements for it: some
 * Allow statement applies and no Deny statement does (an explicit deny wins). A statement applies
 * when one of its `Action` patterns matches, or, with `NotAction`, when none does. Patterns match
 * without regard to case, `*` any run of characters and `?` one character, as in IAM.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export function allowChecker(document: PolicyDocument): (action: string) => boolean {
  const statements = document.statements.map((statement): CompiledStatement => ({
    effect: statement.effect,
    patterns: statement.actions.map(actionPattern),
    notAction: statement.notAction
  }))
  const applies = (statement: CompiledStatement, action: string): boolean =>
    statement.patterns.some((pattern) => pattern.test(action)) !== statement.notAction
  return (action) =>
    statements.some((statement) => statement.effect === 'Allow' && applies(statement, action)) &&
    !statements.some((statement) => statement.effect === 'Deny' && applies(statement, action))
}

/** Patterns hold only letters, digits, `-`, `:` and wildcards (`parsePolicyDocument` checks). */
function actionPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i')
}

/**
 * The document's action patterns that match no action of the catalogue: most likely typos
 * (`s3:GetObjects`), which would otherwise allow nothing without a word.
 */
export function unknownPatterns(document: PolicyDocument): string[] {
  const patterns = [...new Set(document.statements.flatMap((statement) => statement.actions))]
  const unmatched = new Map(patterns.map((pattern) => [pattern, actionPattern(pattern)]))
  for (const action of catalogueActions()) {
    for (const [pattern, regExp] of unmatched) {
      if (regExp.test(action)) unmatched.delete(pattern)
    }
    if (unmatched.size === 0) break
  }
  return patterns.filter((pattern) => unmatched.has(pattern))
}
