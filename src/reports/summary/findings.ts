/**
 * Findings first: the rules that matched, most severe first, one row each, and under the table a
 * collapsible block per rule with its first findings. Logging gaps are findings too, listed by
 * day, account and region.
 */
import { formatCount } from '../../format.js'
import type { Level } from '../../rules/rule.js'
import type { Finding, RuleResult } from '../findings.js'
import type { DayFolder } from '../../engine/scan.js'
import { LOGGING_GAP } from '../../rules/gaps.js'
import { escapeHtml, escapeText, table } from '../markdown.js'
import {
  cell,
  counted,
  listed,
  namedActors,
  serviceName,
  shortened,
  timeOf,
  timeSpan
} from './text.js'

/** A mark per level, so the eye finds the severe rows before reading them. */
export const LEVEL_MARKS: Readonly<Record<Level, string>> = {
  critical: '🟥',
  high: '🟧',
  medium: '🟨',
  low: '🟦',
  informational: '⬜'
}

export interface FindingsContext {
  readonly oneDay: boolean
  /** More than one account in the run: each finding says its account. */
  readonly accounts: number
  /** Rules with a block of their first findings, and findings shown per rule. */
  readonly top: number
  /**
   * Rows of the rules table: every rule by default, since a reader must see each rule that
   * matched; fewer only when the summary is too large for GitHub.
   */
  readonly rules?: number
  /** The run's regions, whose folders an account's day has. */
  readonly regions: number
  /** Day folders of the window without a log file (the local engine lists them; Athena cannot). */
  readonly emptyFolders?: readonly DayFolder[]
}

function outcomes(result: RuleResult): string {
  if (result.rule.key === LOGGING_GAP) return counted(result.findings, 'day')
  const parts = [
    [result.success, 'succeeded'] as const,
    [result.denied, 'denied'] as const,
    [result.error, 'failed'] as const
  ].filter(([count]) => count > 0)
  const [only] = parts
  // All of one outcome: the count says it once.
  if (parts.length === 1 && only !== undefined && only[0] === result.findings) {
    return `**${formatCount(result.findings)}** ${only[1]}`
  }
  const each = parts.map(([count, outcome]) => `${formatCount(count)} ${outcome}`)
  return `**${formatCount(result.findings)}**<br>${each.join(', ')}`
}

function who(result: RuleResult): string {
  if (result.rule.key === LOGGING_GAP) {
    return listed([...new Set(result.listed.map((gap) => shortened(gap.account, 16)))], 2)
  }
  const principals = listed(
    result.principals.map((principal) => shortened(principal, 30)),
    1
  )
  const actors = listed(
    namedActors(result.principals, result.actors).map((actor) => shortened(actor, 24)),
    2
  )
  return actors === '' ? principals : `${principals}<br>${actors}`
}

/** When a rule's findings happened: the days of gaps, the minutes of events. */
function when(result: RuleResult, oneDay: boolean): string {
  if (result.rule.key !== LOGGING_GAP) return timeSpan(result.first, result.last, oneDay)
  if (oneDay) return 'all day'
  const first = result.first.slice(5)
  const last = result.last.slice(5)
  return escapeText(first === last ? first : `${first} – ${last}`)
}

function ruleRow(result: RuleResult, oneDay: boolean): string[] {
  const { rule } = result
  return [
    // A no-break space keeps the mark with its level.
    `${LEVEL_MARKS[rule.level]}&nbsp;${rule.level}`,
    `${cell(rule.title, 80)}<br><sub>${cell(rule.key, 60)}</sub>`,
    outcomes(result),
    who(result),
    when(result, oneDay)
  ]
}

/** The ARNs the call named (the first, and how many more), else its request parameters. */
function target(finding: Finding): string {
  if (finding.resources !== '') {
    const arns = finding.resources.split(' ')
    return listed(
      arns.map((arn) => shortened(arn, TARGET_LIMIT)),
      1
    )
  }
  return finding.requestparameters === '' ? '' : firstParameter(finding.requestparameters)
}

/**
 * The first scalar of the request parameters, as `name: value` (`bucketName: prod-logs`): what a
 * call without `resources` was about, in the words of its API; else the JSON text as it is.
 */
function firstParameter(json: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return shortened(json, TARGET_LIMIT)
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return `${shortened(name, TARGET_LIMIT - 1)}: ${shortened(String(value), TARGET_LIMIT)}`
      }
    }
  }
  return shortened(json, TARGET_LIMIT)
}

/**
 * A row of a rule's block is at most 80 characters of words: a time (8), an actor or address (20),
 * an event or service (24), a target with the `+N` of more ARNs (28).
 */
const TARGET_LIMIT = 25
const EVENT_LIMIT = 24
const ACTOR_LIMIT = 20

/** A refusal or a failure stands out; a failure says its error code. */
function outcome(finding: Finding): string {
  if (finding.outcome === 'denied') return '**denied**'
  if (finding.outcome === 'error')
    return `**failed** (${shortened(finding.errorcode, EVENT_LIMIT - 2)})`
  return 'success'
}

function findingRow(finding: Finding, context: FindingsContext): string[] {
  const actor = finding.actor === '' ? finding.principal : finding.actor
  const where = [
    shortened(serviceName(finding.eventsource), EVENT_LIMIT),
    shortened(finding.region, 20)
  ]
  if (context.accounts > 1) where.push(shortened(finding.account, 16))
  return [
    timeOf(finding.eventtime, context.oneDay),
    `${shortened(actor, ACTOR_LIMIT)}<br>${shortened(finding.sourceipaddress, ACTOR_LIMIT)}`,
    `${shortened(finding.eventname, EVENT_LIMIT)}<br>${outcome(finding)}<br>${where.join(' · ')}`,
    target(finding)
  ]
}

/** Whether the gap's day folders had log files at all: none for a trail that stopped delivering. */
function delivered(gap: Finding, context: FindingsContext): string {
  const folders = context.emptyFolders ?? []
  const empty = folders.filter(
    (folder) =>
      folder.account === gap.account &&
      folder.day === gap.eventtime &&
      (gap.region === '' || folder.region === gap.region)
  ).length
  return empty >= (gap.region === '' ? context.regions : 1)
    ? 'none delivered'
    : 'delivered, no events'
}

function gapRow(gap: Finding, context: FindingsContext): string[] {
  const row = [
    escapeText(gap.eventtime),
    shortened(gap.account, 16),
    gap.region === '' ? 'every region' : shortened(gap.region, 20)
  ]
  return context.emptyFolders === undefined ? row : [...row, delivered(gap, context)]
}

/** What is left after the first `shown`: in findings.csv, or counted and not listed. */
function rest(result: RuleResult, shown: number): string {
  const more = result.findings - shown
  if (more <= 0) return ''
  const inCsv = result.listed.length - shown
  const unlisted = result.findings - result.listed.length
  if (unlisted === 0) return `\n${formatCount(more)} more in findings.csv.\n`
  if (inCsv === 0) return `\n${formatCount(more)} more, counted and not listed (evidence-limit).\n`
  return `\n${formatCount(more)} more: ${formatCount(inCsv)} in findings.csv, ${formatCount(unlisted)} counted and not listed (evidence-limit).\n`
}

function details(result: RuleResult, context: FindingsContext): string {
  const shown = result.listed.slice(0, context.top)
  const gaps = result.rule.key === LOGGING_GAP
  const noun = gaps ? 'days' : 'findings'
  const all = `${formatCount(result.findings)} ${result.findings === 1 ? noun.slice(0, -1) : noun}`
  const heading =
    shown.length === result.findings
      ? all
      : shown.length === 0
        ? `${all}, none listed`
        : `first ${formatCount(shown.length)} of ${formatCount(result.findings)} ${noun}`
  // The block's summary line is HTML, where markdown escapes would show.
  const title = Array.from(result.rule.title)
  const shownTitle = title.length > 80 ? `${title.slice(0, 80).join('')}…` : result.rule.title
  const summary = `${LEVEL_MARKS[result.rule.level]} ${escapeHtml(shownTitle)}: ${heading}`
  if (shown.length === 0) {
    // `top` is at least 1: nothing shown is nothing listed.
    return `<details><summary>${summary}</summary>\n\nAll counted and not listed (evidence-limit).\n\n</details>\n`
  }
  const body = gaps
    ? table(
        ['Day', 'Account', 'Region', ...(context.emptyFolders === undefined ? [] : ['Log files'])],
        shown.map((gap) => gapRow(gap, context))
      )
    : table(
        ['Time (UTC)', 'Actor, source IP', 'Event, outcome', 'Target'],
        shown.map((finding) => findingRow(finding, context))
      )
  return `<details><summary>${summary}</summary>\n\n${body}${rest(result, shown.length)}\n</details>\n`
}

/** The findings table and each rule's block; `''` when nothing matched. */
export function findingsSection(results: readonly RuleResult[], context: FindingsContext): string {
  if (results.length === 0) return ''
  const rows = results.slice(0, context.rules ?? results.length)
  const left = results.length - rows.length
  const header = table(
    ['Level', 'Rule', 'Findings', 'Who', context.oneDay ? 'When (UTC)' : 'First – last (UTC)'],
    rows.map((result) => ruleRow(result, context.oneDay))
  )
  const more = left === 0 ? '' : `\n${counted(left, 'more rule')} in rules.csv.\n`
  const detailed = results.slice(0, Math.min(context.top, rows.length))
  const blocks = detailed.map((result) => details(result, context)).join('\n')
  const unlisted = rows.length - detailed.length
  const rest =
    unlisted === 0
      ? ''
      : `\nThe findings of the ${unlisted === 1 ? 'other rule' : `${formatCount(unlisted)} other rules`} are in findings.csv.\n`
  return `### Findings\n\n${header}${more}\n${blocks}${rest}`
}
