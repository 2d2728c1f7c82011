/**
 * What the run itself was: its window and scope, what it read or scanned and what that cost, the
 * duplicates `dedupe` dropped, the rules and suppressions it ran with, and where its files are.
 */
import { formatBytes, formatCount } from '../../format.js'
import type { SkippedFile } from '../../engine/scan.js'
import { windowLabel } from '../../inputs/window.js'
import { queryCostUsd } from '../cost.js'
import { matchedCount } from '../fail-on.js'
import type { Reports } from '../index.js'
import { escapeText, table } from '../markdown.js'
import type { ArtifactStatus, RunInfo } from './index.js'
import { cell, counted, section } from './text.js'

function consoleUrl(region: string, queryExecutionId: string): string {
  return `https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor/history/${encodeURIComponent(queryExecutionId)}`
}

function artifactCell({ name, runUrl, upload }: ArtifactStatus): string {
  if (upload === 'failed') return `artifact ${escapeText(name)} not uploaded: see the step's error`
  if (upload === 'pending')
    return `artifact ${escapeText(name)} of [this run](${encodeURI(runUrl)})`
  return `[artifact](${encodeURI(upload.url)})`
}

/** Events, and with `dedupe` how many delivered records were copies of an event already counted. */
function eventsCell(run: RunInfo, reports: Reports): string {
  const events = formatCount(reports.totalEvents)
  if (!run.dedupe) return `${events} (dedupe off: every delivered record counts)`
  const dropped = reports.records - reports.totalEvents
  return `${events}; dedupe dropped ${counted(dropped, 'duplicate delivery', 'duplicate deliveries')} (${counted(reports.records, 'record')} delivered)`
}

function athenaCell(run: RunInfo): string | undefined {
  if (run.dataScannedBytes === undefined) return undefined
  const scanned =
    run.resultReused === true
      ? `${formatBytes(run.dataScannedBytes)}: Athena reused the result of an identical earlier query (result-reuse-minutes)`
      : `${formatBytes(run.dataScannedBytes)} scanned, about $${queryCostUsd(run.dataScannedBytes).toFixed(6)} (at $5/TB, 10 MB minimum)`
  if (run.queryExecutionId === undefined) return scanned
  const id = escapeText(run.queryExecutionId)
  const link =
    run.athenaRegion === undefined
      ? id
      : `[${id}](${consoleUrl(run.athenaRegion, run.queryExecutionId)})`
  return `${scanned}; query ${link}`
}

function logFilesCell(run: RunInfo): string | undefined {
  const parts: string[] = []
  if (run.filesRead !== undefined) {
    const bytes = run.bytesRead === undefined ? '' : ` (${formatBytes(run.bytesRead)})`
    parts.push(`${formatCount(run.filesRead)} read${bytes}`)
  }
  const skipped = run.skippedFiles?.length ?? 0
  if (skipped > 0) parts.push(`${formatCount(skipped)} skipped (listed below)`)
  const archived = run.archived
  if (archived?.unchecked !== undefined) parts.push('archived files not checked (see above)')
  else if (archived !== undefined && (archived.files > 0 || archived.maybe > 0)) {
    const maybe = archived.maybe > 0 ? `, ${formatCount(archived.maybe)} maybe` : ''
    parts.push(`${formatCount(archived.files)} archived${maybe}, not read (see above)`)
  }
  const empty = run.emptyFolders?.length ?? 0
  if (run.emptyFolders !== undefined) {
    parts.push(
      empty === 0
        ? 'every day folder of the window has some'
        : `${counted(empty, 'day folder')} of the window without any`
    )
  }
  return parts.length === 0 ? undefined : parts.join('; ')
}

function rulesCell(run: RunInfo): string | undefined {
  const parts: string[] = []
  if (run.rulesRun !== undefined) {
    const { all, builtin } = run.rulesRun
    parts.push(
      `${formatCount(all)} run (${formatCount(builtin)} built-in, ${formatCount(all - builtin)} yours)`
    )
  }
  const notRun = run.rulesNotRun?.length ?? 0
  if (notRun > 0) parts.push(`${formatCount(notRun)} not run (listed above)`)
  return parts.length === 0 ? undefined : parts.join('; ')
}

function suppressionsCell(run: RunInfo, reports: Reports): string | undefined {
  const suppressions = run.suppressions
  if (suppressions === undefined) return undefined
  const suppressed = reports.suppressed.reduce((sum, result) => sum + result.findings, 0)
  return `${escapeText(suppressions.file)}: ${counted(suppressions.entries.length, 'entry', 'entries')}, ${counted(suppressed, 'finding')} suppressed`
}

/** The run's facts, as a two-column table. */
export function runSection(run: RunInfo, reports: Reports): string {
  const rows: [string, string | undefined][] = [
    [
      'Window',
      `${windowLabel(run.window)} UTC, ${run.dayBoundary === 'event-time' ? 'by event time' : 'by delivery folder'}`
    ],
    ['Accounts', run.accounts.map(escapeText).join(', ')],
    ['Regions', `${run.regions.length}: ${run.regions.map(escapeText).join(', ')}`],
    ['Events', eventsCell(run, reports)],
    ['Athena', athenaCell(run)],
    ['Log files', logFilesCell(run)],
    ['Rules', rulesCell(run)],
    ['Suppressions', suppressionsCell(run, reports)],
    ['fail-on', run.failOn === undefined ? undefined : `${matchedCount(run.failOn)} matched`],
    ['Report files', run.artifact === undefined ? undefined : artifactCell(run.artifact)]
  ]
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined)
  return `### Run\n\n${table(['', ''], shown)}`
}

export function skippedSection(skipped: readonly SkippedFile[], top: number): string {
  const rows = skipped.map((file) => [cell(file.path), cell(file.reason)])
  return section('Skipped log files', ['File', 'Reason'], rows, top, {
    numeric: 0,
    rest: 'in the run log'
  })
}

export function notRunSection(run: RunInfo, top: number): string {
  const rows = (run.rulesNotRun ?? []).map((rule) => [
    cell(rule.file, 80),
    cell(rule.title === '' ? rule.id : `${rule.title} (${rule.id})`, 120),
    cell(rule.reason)
  ])
  return section('Rules not run', ['File', 'Rule', 'Why'], rows, top, {
    numeric: 0,
    rest: 'in the run log'
  })
}
