/**
 * The first lines a reviewer reads: one sentence with the findings by level (or that there are
 * none), what the window covered, and the alerts that change how to read the rest.
 */
import { archivedNotice, type ArchivedFiles } from '../../engine/archived.js'
import { windowLabel } from '../../inputs/window.js'
import { LEVELS, type Level } from '../../rules/rule.js'
import { failOnMessage, type FailOnResult } from '../fail-on.js'
import type { Reports } from '../index.js'
import { escapeText } from '../markdown.js'
import type { RunInfo } from './index.js'
import { counted } from './text.js'

function levelCounts(reports: Reports): Map<Level, number> {
  const counts = new Map<Level, number>()
  for (const result of reports.findings) {
    counts.set(result.rule.level, (counts.get(result.rule.level) ?? 0) + result.findings)
  }
  return counts
}

/**
 * "**3 high, 1 medium findings; 0 critical** in 2026-11-29 for 2 accounts, 17 regions, 41,220
 * events.", or "**No findings** in …". Zero critical is said, since it is what a reader looks for.
 */
export function headline(run: RunInfo, reports: Reports): string {
  const counts = levelCounts(reports)
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0)
  const scope = `in ${windowLabel(run.window)} for ${counted(run.accounts.length, 'account')}, ${counted(run.regions.length, 'region')}, ${counted(reports.totalEvents, 'event')}.`
  const suppressed = reports.suppressed.reduce((sum, result) => sum + result.findings, 0)
  const also = suppressed === 0 ? '' : ` ${counted(suppressed, 'finding')} suppressed.`
  if (total === 0) return `**No findings** ${scope}${also}\n`
  const parts = LEVELS.filter((level) => (counts.get(level) ?? 0) > 0).map(
    (level) => `${(counts.get(level) as number).toLocaleString('en-US')} ${level}`
  )
  const noun = total === 1 ? 'finding' : 'findings'
  const critical = counts.has('critical') ? '' : '; 0 critical'
  return `**${parts.join(', ')} ${noun}${critical}** ${scope}${also}\n`
}

/** Archived files make every count short: said at the top, where no one reads past it. */
export function archivedAlert(archived: ArchivedFiles | undefined): string {
  const notice = archivedNotice(archived)
  if (notice === undefined) return ''
  const label = archived?.unchecked === undefined ? 'Incomplete' : 'Maybe incomplete'
  return `> [!WARNING]\n> ${label}: ${escapeText(notice)}.\n`
}

export function failOnAlert(result: FailOnResult | undefined): string {
  if (result === undefined || result.flagged === 0) return ''
  return `> [!CAUTION]\n> ${escapeText(failOnMessage(result))}\n`
}
