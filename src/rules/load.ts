/**
 * The rules of a run: the built-in ones (Sigma files in the repository's `rules/` folder, shipped
 * inside the bundles as `builtin.ts`) and the user's, from files, directories and globs.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { glob } from 'tinyglobby'
import { BUILTIN_RULE_CONTENTS } from './builtin-contents.js'
import type { Rule } from './rule.js'
import { compareText } from '../text-order.js'
import { readRuleFile, type NotApplicable, type NotRun, type RuleFileContents } from './sigma.js'

export interface LoadRulesOptions {
  /** Run the project's own rules. */
  readonly builtin: boolean
  /** The `rules` input: files, directories or globs, newline- or comma-separated. */
  readonly paths: string
  /** What relative paths are relative to, and what files are named relative to. */
  readonly workspace: string
}

export interface LoadedRules {
  /** The rules to run, by key in ascending code point order. */
  readonly rules: readonly Rule[]
  /** Rules that are not run, each with the construct that stops it: warn, and summarize. */
  readonly notRun: readonly NotRun[]
  /** Rules for other log sources than AWS CloudTrail. */
  readonly notApplicable: readonly NotApplicable[]
}

/** A `rules` entry that gives no rule to run, or two rules with one key. */
export class RulesInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RulesInputError'
  }
}

/** The entries of the `rules` input: one per line or comma, blank ones dropped. */
export function rulePathEntries(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

const RULE_FILE = /\.ya?ml$/i
const GLOB = /[*?[\]{}]/

/** Every `.yml`/`.yaml` file below `directory`, sorted. */
async function filesBelow(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && RULE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

/** The rule files an entry names, as absolute paths. */
async function entryFiles(entry: string, workspace: string): Promise<string[]> {
  if (GLOB.test(entry)) {
    const found = await glob(entry, { cwd: workspace, absolute: true, onlyFiles: true, dot: false })
    const files = found.filter((file) => RULE_FILE.test(file)).sort()
    if (files.length === 0) {
      throw new RulesInputError(`rules: ${JSON.stringify(entry)} matches no .yml or .yaml file`)
    }
    return files
  }
  const path = resolve(workspace, entry)
  const found = await stat(path).catch(() => undefined)
  if (found === undefined) {
    throw new RulesInputError(
      `rules: ${JSON.stringify(entry)} is not a file or a directory (${path})`
    )
  }
  if (found.isDirectory()) {
    const files = await filesBelow(path)
    if (files.length === 0) {
      throw new RulesInputError(
        `rules: the directory ${JSON.stringify(entry)} has no .yml or .yaml file`
      )
    }
    return files
  }
  if (!RULE_FILE.test(path)) {
    throw new RulesInputError(`rules: ${JSON.stringify(entry)} is not a .yml or .yaml file`)
  }
  return [path]
}

/** A file's name in results and errors: relative to the workspace, with `/`. */
function displayName(file: string, workspace: string): string {
  const name = relative(workspace, file)
  return (name.startsWith('..') || isAbsolute(name) ? file : name).split(sep).join('/')
}

/**
 * Loads the run's rules. Throws `RuleFileError` for a file that is not YAML or not a Sigma rule,
 * and `RulesInputError` for an entry that names nothing, or from which no rule can run, and for
 * two rules with the same key.
 */
export async function loadRules(options: LoadRulesOptions): Promise<LoadedRules> {
  const contents: RuleFileContents[] = []
  if (options.builtin) contents.push(...BUILTIN_RULE_CONTENTS)
  const seen = new Set<string>()
  for (const entry of rulePathEntries(options.paths)) {
    const fromEntry: RuleFileContents[] = []
    for (const file of await entryFiles(entry, options.workspace)) {
      if (seen.has(file)) continue
      seen.add(file)
      const text = await readFile(file, 'utf8')
      fromEntry.push(readRuleFile(text, displayName(file, options.workspace), false))
    }
    const runnable = fromEntry.reduce((count, file) => count + file.rules.length, 0)
    if (runnable === 0 && fromEntry.length > 0) {
      const notRun = fromEntry.reduce((count, file) => count + file.notRun.length, 0)
      const other = fromEntry.reduce((count, file) => count + file.notApplicable.length, 0)
      throw new RulesInputError(
        `rules: no rule from ${JSON.stringify(entry)} can run: ` +
          `${notRun} not supported, ${other} for other log sources than AWS CloudTrail`
      )
    }
    contents.push(...fromEntry)
  }
  const rules = contents.flatMap((file) => file.rules)
  const byKey = new Map<string, Rule>()
  for (const rule of rules) {
    const other = byKey.get(rule.key)
    if (other !== undefined) {
      throw new RulesInputError(
        `rules: loads two rules called ${JSON.stringify(rule.key)}: in ${other.file} and in ${rule.file}`
      )
    }
    byKey.set(rule.key, rule)
  }
  return {
    rules: [...rules].sort((a, b) => compareText(a.key, b.key)),
    notRun: contents.flatMap((file) => file.notRun),
    notApplicable: contents.flatMap((file) => file.notApplicable)
  }
}
