import { queryCostUsd } from './cost.js'
import { failOnMessage, type FailOnResult } from './fail-on.js'
import { formatBytes, formatCount } from '../format.js'
import { escapeText, table, withoutInvisible } from './markdown.js'
import type { PrincipalActivity, Reports } from './index.js'
import type { Counted } from './tally.js'
import type { RuleResult } from './findings.js'
import type { RuleNotRun } from '../plan/rules.js'
import type { SkippedFile } from '../engine/scan.js'
import { archivedNotice, type ArchivedFiles } from '../engine/archived.js'
import { windowLabel, type DayBoundary, type Window } from '../inputs/window.js'
import { permissionsSection } from './permissions/summary.js'

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
  /** The region Athena ran in, for the console link. */
  readonly athenaRegion?: string
  /** Local engine only. */
  readonly filesRead?: number
  readonly skippedFiles?: readonly SkippedFile[]
  /** Log files of the window in archive storage, not read (both engines). */
  readonly archived?: ArchivedFiles
  /** Athena answered with the result of an identical earlier query. */
  readonly resultReused?: boolean
  /** Given when `fail-on` is set. */
  readonly failOn?: FailOnResult
  /** Findings listed per rule in findings.csv. */
  readonly evidenceLimit?: number
  /** Rules found in the rule files that were not run, each with why. */
  readonly rulesNotRun?: readonly RuleNotRun[]
  /** The artifact the action uploads the report files as; the CLI uploads none. */
  readonly artifact?: ArtifactStatus
}

/**
 * The summary and the comment are written before the upload, so that a failed upload loses
 * neither; the summary is written again once the upload is done, with its outcome.
 */
export interface ArtifactStatus {
  readonly name: string
  /** The workflow run's page, which lists its artifacts. */
  readonly runUrl: string
  readonly upload: 'pending' | 'failed' | { readonly url: string }
}

/**
 * GitHub refuses a step summary over 1 MiB; keep a margin for what other steps of the job add.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#step-isolation-and-limits
 */
export const SUMMARY_LIMIT_BYTES = 1_000_000
/** A single value longer than this is cut: an ARN is at most 2,048 characters, and unreadable. */
const CELL_LIMIT = 200

/**
 * The job summary (or PR comment) as markdown. Over `limitBytes`, the tables are cut (each says
 * how many rows it left out, which the CSVs hold) until it fits.
 */
export function renderSummary(run: RunInfo, reports: Reports, limitBytes: number): string {
  let rows = run.top
  for (;;) {
    const markdown = render(run, reports, rows)
    if (Buffer.byteLength(markdown) <= limitBytes || rows === 1) return markdown
    rows = Math.max(1, Math.floor(rows / 2))
  }
}

function render(run: RunInfo, reports: Reports, rows: number): string {
  const sections = [
    `## CloudTrail activity, ${windowLabel(run.window)}\n`,
    headline(run, reports),
    archivedSection(run.archived),
    failOnSection(run.failOn),
    findingsSection(reports.findings, run.evidenceLimit, rows),
    section(
      'Top events',
      ['Region', 'Event source', 'Event name', 'Date', 'Events'],
      countedRows(reports.events),
      rows
    ),
    section(
      'Top principals',
      ['Identity type', 'Principal', 'Events', 'Errors', 'Distinct calls'],
      reports.principals.map(principalRow),
      rows,
      { numeric: 3 }
    ),
    section(
      'Errors',
      ['Event source', 'Event name', 'Error code', 'Events'],
      countedRows(reports.errors),
      rows
    ),
    permissionsSection(reports.permissions, uploadedUrl(run.artifact), rows),
    // A few dozen at most, and no CSV holds them: always all of them.
    section('Regions', ['Region', 'Events'], countedRows(reports.regions), reports.regions.length),
    chart(reports),
    notRunSection(run.rulesNotRun ?? [], rows),
    skippedSection(run.skippedFiles ?? [], rows)
  ]
  return sections.filter((text) => text !== '').join('\n')
}

function headline(run: RunInfo, reports: Reports): string {
  const rows: [string, string][] = [
    [
      'Window',
      `${windowLabel(run.window)} UTC, ${run.dayBoundary === 'event-time' ? 'by event time' : 'by delivery folder'}`
    ],
    ['Accounts', run.accounts.map(escapeText).join(', ')],
    ['Regions', `${run.regions.length}: ${run.regions.map(escapeText).join(', ')}`],
    ['Total events', formatCount(reports.totalEvents)]
  ]
  if (run.failOn !== undefined) rows.push(['Flagged (fail-on)', formatCount(run.failOn.flagged)])
  if (run.dataScannedBytes !== undefined) {
    rows.push([
      'Data scanned',
      run.resultReused === true
        ? `${formatBytes(run.dataScannedBytes)}: Athena reused the result of an identical earlier query (result-reuse-minutes)`
        : `${formatBytes(run.dataScannedBytes)} (about $${queryCostUsd(run.dataScannedBytes).toFixed(6)} at $5/TB, 10 MB minimum)`
    ])
  }
  if (run.queryExecutionId !== undefined) {
    const id = escapeText(run.queryExecutionId)
    rows.push([
      'Athena query',
      run.athenaRegion === undefined
        ? id
        : `[${id}](${consoleUrl(run.athenaRegion, run.queryExecutionId)})`
    ])
  }
  if (run.filesRead !== undefined) rows.push(['Log files read', formatCount(run.filesRead)])
  if (run.archived?.unchecked !== undefined) {
    rows.push(['Archived log files', 'not checked (see above)'])
  } else if (run.archived !== undefined && (run.archived.files > 0 || run.archived.maybe > 0)) {
    const maybe =
      run.archived.maybe > 0
        ? `, and ${formatCount(run.archived.maybe)} in Intelligent-Tiering that may be`
        : ''
    rows.push([
      'Archived log files, not read',
      `${formatCount(run.archived.files)}${maybe} (see above)`
    ])
  }
  if (run.skippedFiles !== undefined && run.skippedFiles.length > 0) {
    rows.push(['Log files skipped', `${formatCount(run.skippedFiles.length)} (listed below)`])
  }
  if (run.artifact !== undefined) rows.push(['Report files', artifactCell(run.artifact)])
  return table(['', ''], rows)
}

function uploadedUrl(artifact: ArtifactStatus | undefined): string | undefined {
  return typeof artifact?.upload === 'object' ? artifact.upload.url : undefined
}

function artifactCell({ name, runUrl, upload }: ArtifactStatus): string {
  if (upload === 'failed') return `artifact ${escapeText(name)} not uploaded: see the step's error`
  if (upload === 'pending')
    return `artifact ${escapeText(name)} of [this run](${encodeURI(runUrl)})`
  return `[artifact](${encodeURI(upload.url)})`
}

function consoleUrl(region: string, queryExecutionId: string): string {
  return `https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor/history/${encodeURIComponent(queryExecutionId)}`
}

/** Archived files make every count short: said at the top, where no one reads past it. */
function archivedSection(archived: ArchivedFiles | undefined): string {
  const notice = archivedNotice(archived)
  if (notice === undefined) return ''
  const label = archived?.unchecked === undefined ? 'Incomplete' : 'Maybe incomplete'
  return `> [!WARNING]\n> ${label}: ${escapeText(notice)}.\n`
}

function failOnSection(result: FailOnResult | undefined): string {
  if (result === undefined || result.flagged === 0) return ''
  return `> [!CAUTION]\n> ${escapeText(failOnMessage(result))}\n`
}

/** Principals listed in a rule's row; rules.csv lists them all. */
const PRINCIPALS_SHOWN = 3

/** One row per rule that found something, most severe first, and how many findings are not listed. */
function findingsSection(
  results: readonly RuleResult[],
  evidenceLimit: number | undefined,
  top: number
): string {
  const rows = results.map((result) => {
    const shown = result.principals.slice(0, PRINCIPALS_SHOWN).join(', ')
    const more = result.principals.length - PRINCIPALS_SHOWN
    return [
      cell(result.rule.level),
      cell(`${result.rule.title} (${result.rule.key})`),
      formatCount(result.findings),
      `${cell(shown)}${more > 0 ? ` and ${formatCount(more)} more` : ''}`
    ]
  })
  const table = section('🚩 Detections', ['Level', 'Rule', 'Findings', 'Principals'], rows, top, {
    numeric: 0,
    rest: 'in rules.csv'
  })
  const unlisted = results.reduce((sum, result) => sum + result.findings - result.listed.length, 0)
  if (table === '' || unlisted === 0) return table
  const limit = evidenceLimit === undefined ? '' : ` (evidence-limit ${formatCount(evidenceLimit)})`
  return `${table}\n${formatCount(unlisted)} ${unlisted === 1 ? 'finding is' : 'findings are'} counted but not listed in findings.csv${limit}.\n`
}

/** Rules of the rule files that did not run: a construct not supported, or another log source. */
function notRunSection(notRun: readonly RuleNotRun[], top: number): string {
  const rows = notRun.map((rule) => [
    cell(rule.file),
    cell(rule.title === '' ? rule.id : `${rule.title} (${rule.id})`),
    cell(rule.reason)
  ])
  return section('Rules not run', ['File', 'Rule', 'Why'], rows, top, {
    numeric: 0,
    rest: 'in the run log'
  })
}

function cell(value: string): string {
  return escapeText(value.length > CELL_LIMIT ? `${value.slice(0, CELL_LIMIT)}…` : value)
}

function countedRows(counted: readonly Counted[]): string[][] {
  return counted.map(({ key, count }) => [...key.map(cell), formatCount(count)])
}

function principalRow(activity: PrincipalActivity): string[] {
  return [
    cell(activity.identitytype),
    cell(activity.principal),
    formatCount(activity.events),
    formatCount(activity.errors),
    formatCount(activity.eventnames)
  ]
}

interface SectionOptions {
  /** How many columns, from the right, hold numbers (right-aligned). */
  readonly numeric?: number
  /** Where the rows left out can be found. */
  readonly rest?: string
}

function section(
  title: string,
  header: readonly string[],
  rows: string[][],
  top: number,
  { numeric = 1, rest = 'in the CSV' }: SectionOptions = {}
): string {
  if (rows.length === 0) return ''
  const shown = rows.slice(0, top)
  const align = header.map((_, i): 'left' | 'right' =>
    i >= header.length - numeric ? 'right' : 'left'
  )
  const left = rows.length - shown.length
  const more =
    left === 0 ? '' : `\n${formatCount(left)} more ${left === 1 ? 'row is' : 'rows are'} ${rest}.\n`
  return `### ${title}\n\n${table(header, shown, align)}${more}`
}

/** Events per day over a range; per service (the ten largest) for a single day. */
function chart(reports: Reports): string {
  if (reports.totalEvents === 0) return ''
  if (reports.days.length > 1) {
    const days = reports.days.map(({ key }) => `"${mermaidLabel(key[0] ?? '')}"`).join(', ')
    const counts = reports.days.map(({ count }) => count).join(', ')
    return `### Events per day\n\n\`\`\`mermaid\nxychart-beta\n  x-axis [${days}]\n  y-axis "Events"\n  bar [${counts}]\n\`\`\`\n`
  }
  const slices = reports.services
    .slice(0, 10)
    .map(({ key, count }) => `  "${mermaidLabel(key[0] ?? '')}" : ${count}\n`)
    .join('')
  return `### Events per service\n\n\`\`\`mermaid\npie showData\n${slices}\`\`\`\n`
}

/** Mermaid has no escape inside a quoted label: drop what could end it or the code block. */
function mermaidLabel(value: string): string {
  return (
    withoutInvisible(value)
      .replace(/["`<>#;]/g, '')
      .slice(0, 60) || '(none)'
  )
}

function skippedSection(skipped: readonly SkippedFile[], top: number): string {
  const rows = skipped.map((file) => [cell(file.path), cell(file.reason)])
  return section('Skipped log files', ['File', 'Reason'], rows, top, {
    numeric: 0,
    rest: 'in the run log'
  })
}
