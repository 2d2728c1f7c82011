import { queryCostUsd } from './cost.js'
import { escapeText, formatBytes, formatCount, table } from './markdown.js'
import type { Reports } from './reports/index.js'
import type { Counted } from './reports/tally.js'
import { windowLabel, type DayBoundary, type Window } from './window.js'

/** What the summary says about the run itself, beside the reports. */
export interface RunInfo {
  readonly window: Window
  readonly dayBoundary: DayBoundary
  readonly accounts: readonly string[]
  readonly regions: readonly string[]
  readonly engine: 'athena' | 'local'
  readonly top: number
  /** Athena only. */
  readonly queryExecutionId?: string
  readonly dataScannedBytes?: number
  /** Local engine only. */
  readonly filesRead?: number
}

export function renderSummary(run: RunInfo, reports: Reports): string {
  const sections = [
    `## CloudTrail activity, ${escapeText(windowLabel(run.window))}\n`,
    headline(run, reports),
    topTable(
      `Top events`,
      ['Region', 'Event source', 'Event name', 'Date', 'Events'],
      reports.events,
      run.top
    ),
    // A few dozen at most, and no CSV holds them: always all of them.
    topTable('Regions', ['Region', 'Events'], reports.regions, reports.regions.length)
  ]
  return sections.filter((section) => section !== '').join('\n')
}

function headline(run: RunInfo, reports: Reports): string {
  const rows: [string, string][] = [
    [
      'Window',
      `${escapeText(windowLabel(run.window))} UTC, ${run.dayBoundary === 'event-time' ? 'by event time' : 'by delivery folder'}`
    ],
    ['Accounts', run.accounts.map(escapeText).join(', ')],
    ['Regions', `${run.regions.length}: ${run.regions.map(escapeText).join(', ')}`],
    ['Total events', formatCount(reports.totalEvents)]
  ]
  if (run.dataScannedBytes !== undefined) {
    rows.push([
      'Data scanned',
      `${formatBytes(run.dataScannedBytes)} (about $${queryCostUsd(run.dataScannedBytes).toFixed(6)} at $5/TB, 10 MB minimum)`
    ])
  }
  if (run.queryExecutionId !== undefined) {
    rows.push(['Athena query', `\`${run.queryExecutionId.replace(/`/g, '')}\``])
  }
  if (run.filesRead !== undefined) rows.push(['Log files read', formatCount(run.filesRead)])
  return table(['', ''], rows)
}

function topTable(
  title: string,
  header: readonly string[],
  counted: readonly Counted[],
  top: number
): string {
  if (counted.length === 0) return ''
  const shown = counted.slice(0, top)
  const rows = shown.map(({ key, count }) => [...key.map(escapeText), formatCount(count)])
  const align = header.map((_, i) => (i === header.length - 1 ? 'right' : 'left') as const)
  const left = counted.length - shown.length
  const more =
    left === 0
      ? ''
      : `\n${formatCount(left)} more ${left === 1 ? 'row is' : 'rows are'} in the CSV.\n`
  return `### ${title}\n\n${table(header, rows, align)}${more}`
}
