/**
 * The job summary and the pull request comment, as markdown: findings first (a headline
 * sentence, one row per rule, each rule's first findings in a collapsible block), then what
 * happened, then the run's facts. Every table fits a pull request comment (five columns at
 * most, long words shortened in the middle); the CSV files hold every value whole.
 */
import type { ScanFacts } from '../../engine/scan.js'
import { windowLabel, type DayBoundary, type Window } from '../../inputs/window.js'
import type { RuleNotRun } from '../../plan/rules.js'
import type { SuppressionEntry } from '../../rules/suppressions.js'
import type { FailOnResult } from '../fail-on.js'
import type { Reports } from '../index.js'
import { permissionsSection } from '../permissions/summary.js'
import { chart, regionsTable, topErrors, topEvents, topPrincipals } from './activity.js'
import { findingsSection } from './findings.js'
import { archivedAlert, failOnAlert, headline } from './headline.js'
import { notRunSection, runSection, skippedSection } from './run.js'
import { suppressionsSection } from './suppressions.js'

/** What the summary says about the run itself, beside the reports. */
export interface RunInfo extends ScanFacts {
  readonly window: Window
  readonly dayBoundary: DayBoundary
  readonly accounts: readonly string[]
  readonly regions: readonly string[]
  readonly engine: 'athena' | 'local'
  readonly dedupe: boolean
  readonly top: number
  /** Findings listed per rule in findings.csv (`evidence-limit`). */
  readonly evidenceLimit?: number
  /** How many rules ran, the built-in ones among them. */
  readonly rulesRun?: { readonly all: number; readonly builtin: number }
  /** Rules not run: a construct the engines lack, or another log source than CloudTrail. */
  readonly rulesNotRun?: readonly RuleNotRun[]
  /** The suppressions file, when there is one. */
  readonly suppressions?: SuppressionsUsed
  /** Given when `fail-on` is set. */
  readonly failOn?: FailOnResult
  /** The artifact the action uploads the report files as; the CLI uploads none. */
  readonly artifact?: ArtifactStatus
}

export interface SuppressionsUsed {
  readonly file: string
  readonly entries: readonly SuppressionEntry[]
  /** Entries past their `expires` day: not applied. */
  readonly expired: readonly SuppressionEntry[]
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

function uploadedUrl(artifact: ArtifactStatus | undefined): string | undefined {
  return typeof artifact?.upload === 'object' ? artifact.upload.url : undefined
}

/**
 * The job summary (or PR comment) as markdown. Over `limitBytes`, the tables and each rule's
 * findings are cut (each says how many it left out, which the CSVs hold) until it fits.
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
  const oneDay = run.window.start === run.window.end
  const sections = [
    `## CloudTrail report, ${windowLabel(run.window)}\n`,
    headline(run, reports),
    archivedAlert(run.archived),
    failOnAlert(run.failOn),
    findingsSection(reports.findings, {
      oneDay,
      accounts: run.accounts.length,
      regions: run.regions.length,
      top: rows,
      rules: rows === run.top ? undefined : rows,
      emptyFolders: run.emptyFolders
    }),
    suppressionsSection(run, reports, rows),
    notRunSection(run, rows),
    chart(run.window, reports),
    topEvents(reports, oneDay, rows),
    topPrincipals(reports, rows),
    topErrors(reports, rows),
    permissionsSection(reports.permissions, uploadedUrl(run.artifact), rows),
    regionsTable(reports),
    skippedSection(run.skippedFiles ?? [], rows),
    runSection(run, reports)
  ]
  return sections.filter((text) => text !== '').join('\n')
}
