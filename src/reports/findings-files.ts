import { csvDocument } from './csv.js'
import type { Finding, RuleResult } from './findings.js'

export const FINDINGS_HEADER = [
  'level',
  'rule',
  'title',
  'eventtime',
  'eventid',
  'account',
  'region',
  'eventsource',
  'eventname',
  'outcome',
  'errorcode',
  'principal',
  'actor',
  'sourceipaddress',
  'useragent',
  'resources',
  'requestparameters'
] as const

export const RULES_HEADER = [
  'level',
  'rule',
  'title',
  'author',
  'tags',
  'findings',
  'success',
  'denied',
  'error',
  'first',
  'last',
  'principals'
] as const

/** Most severe rule first, then by rule, each rule's findings earliest first. */
function findingsOf(results: readonly RuleResult[]): Finding[] {
  return results.flatMap((result) => result.listed)
}

/** A suppressed finding: its columns, where its entry is in the file, and why it is expected. */
export const SUPPRESSED_HEADER = [...FINDINGS_HEADER, 'suppression', 'reason'] as const

function findingValues(finding: Finding): string[] {
  return [
    finding.rule.level,
    finding.rule.key,
    finding.rule.title,
    finding.eventtime,
    finding.eventid,
    finding.account,
    finding.region,
    finding.eventsource,
    finding.eventname,
    finding.outcome,
    finding.errorcode,
    finding.principal,
    finding.actor,
    finding.sourceipaddress,
    finding.useragent,
    finding.resources,
    finding.requestparameters
  ]
}

export function findingsCsv(results: readonly RuleResult[]): string {
  return csvDocument(FINDINGS_HEADER, findingsOf(results).map(findingValues))
}

/**
 * The listed suppressed findings (`FindingsCollector.suppressedResults`), in the order of
 * `findings.csv`, each with its entry as `file:line` and the entry's reason.
 */
export function suppressedCsv(results: readonly RuleResult[], file: string): string {
  return csvDocument(
    SUPPRESSED_HEADER,
    findingsOf(results).map((finding) => [
      ...findingValues(finding),
      finding.suppression === undefined ? '' : `${file}:${finding.suppression.line}`,
      finding.suppression?.reason ?? ''
    ])
  )
}

/** One row per rule that matched, with exact counts; lists are space-separated. */
export function rulesCsv(results: readonly RuleResult[]): string {
  return csvDocument(
    RULES_HEADER,
    results.map((result) => [
      result.rule.level,
      result.rule.key,
      result.rule.title,
      result.rule.author,
      result.rule.tags.join(' '),
      result.findings,
      result.success,
      result.denied,
      result.error,
      result.first,
      result.last,
      result.principals.join(' ')
    ])
  )
}

/**
 * The listed findings for other tools, each with its rule's id, title and author (Sigma's
 * Detection Rule License asks that findings keep the rule's author).
 */
export function findingsJson(results: readonly RuleResult[]): string {
  const findings = findingsOf(results).map((finding) => ({
    level: finding.rule.level,
    rule: finding.rule.key,
    ruleId: finding.rule.id,
    title: finding.rule.title,
    author: finding.rule.author,
    eventtime: finding.eventtime,
    eventid: finding.eventid,
    account: finding.account,
    region: finding.region,
    eventsource: finding.eventsource,
    eventname: finding.eventname,
    outcome: finding.outcome,
    errorcode: finding.errorcode,
    principal: finding.principal,
    actor: finding.actor,
    sourceipaddress: finding.sourceipaddress,
    useragent: finding.useragent,
    resources: finding.resources === '' ? [] : finding.resources.split(' '),
    requestparameters: finding.requestparameters
  }))
  return `${JSON.stringify(findings, null, 2)}\n`
}
