/**
 * Suppressed findings are never dropped silently: how many each entry of the suppressions file
 * matched, and, so that the file does not rot, the entries that expired or matched nothing.
 */
import { formatCount } from '../../format.js'
import { windowLabel } from '../../inputs/window.js'
import type { SuppressionEntry } from '../../rules/suppressions.js'
import type { Reports } from '../index.js'
import { escapeText } from '../markdown.js'
import type { RunInfo } from './index.js'
import { cell, counted, section } from './text.js'

/** The file's entries that need a look: expired ones, and those that matched nothing. */
export function suppressionWarnings(run: RunInfo, reports: Reports): string[] {
  const suppressions = run.suppressions
  if (suppressions === undefined) return []
  const at = (entry: SuppressionEntry): string =>
    `${suppressions.file}, line ${entry.line} (${entry.rule})`
  const expired = new Set(suppressions.expired.map((entry) => entry.index))
  return suppressions.entries.flatMap((entry) => {
    if (expired.has(entry.index)) {
      return [
        `${at(entry)} expired on ${entry.expires ?? ''}: its findings count again. Renew or remove it.`
      ]
    }
    if ((reports.suppressedByEntry.get(entry.index) ?? 0) === 0) {
      return [
        `${at(entry)} matched nothing in ${windowLabel(run.window)}. Remove it if it is no longer needed.`
      ]
    }
    return []
  })
}

export function suppressionsSection(run: RunInfo, reports: Reports, top: number): string {
  const suppressions = run.suppressions
  if (suppressions === undefined) return ''
  const rows = suppressions.entries
    .filter((entry) => (reports.suppressedByEntry.get(entry.index) ?? 0) > 0)
    .map((entry) => [
      cell(entry.rule, 60),
      `line ${entry.line}`,
      cell(entry.reason),
      formatCount(reports.suppressedByEntry.get(entry.index) ?? 0)
    ])
  const warnings = suppressionWarnings(run, reports)
  const alert =
    warnings.length === 0
      ? ''
      : `\n> [!WARNING]\n${warnings.map((warning) => `> - ${escapeText(warning)}\n`).join('')}`
  if (rows.length === 0) return alert === '' ? '' : `### Suppressed findings\n${alert}`
  const total = reports.suppressed.reduce((sum, result) => sum + result.findings, 0)
  const table = section('Suppressed findings', ['Rule', 'Entry', 'Reason', 'Findings'], rows, top, {
    rest: `in ${escapeText(suppressions.file)}`,
    intro: `${counted(total, 'finding')} matched an entry of ${escapeText(suppressions.file)}: expected, so neither above nor in \`fail-on\`; they are in suppressed.csv.`
  })
  return `${table}${alert}`
}
