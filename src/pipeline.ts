import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { AwsClients } from './run/aws.js'
import { scanWithAthena } from './engine/athena/scan.js'
import { scanLocally } from './engine/local/scan.js'
import { Input, type Inputs } from './inputs/inputs.js'
import { readPolicyDocument } from './inputs/policy-document.js'
import { unknownPatterns, type AllowList } from './reports/permissions/allow-list.js'
import type { Log } from './run/log.js'
import { makePlan, type Plan } from './plan/plan.js'
import { resolveRegions } from './plan/regions.js'
import { loadRunRules } from './plan/rules.js'
import { loadRunSuppressions } from './plan/suppressions.js'
import { GAP_RULES } from './rules/gaps.js'
import { scanRules } from './rules/suppressions.js'
import { buildReports, reportFiles, type Reports } from './reports/index.js'
import type { Scan } from './engine/scan.js'
import { windowLabel } from './inputs/window.js'
import { resolveFailOn } from './reports/fail-on.js'
import { renderSummary, SUMMARY_LIMIT_BYTES, type RunInfo } from './reports/summary/index.js'

export interface ReportContext {
  readonly log: Log
  /** Made on first use, so a run on local files needs no AWS configuration at all. */
  readonly aws: () => AwsClients
  readonly reportDir: string
  /**
   * What relative input paths (`rules`, `fail-on-permissions`) start from: the workspace, or the
   * CLI's cwd.
   */
  readonly workspace: string
  /** Aborted when the run is cancelled (SIGINT/SIGTERM): a running query is stopped. */
  readonly signal: AbortSignal
}

/** A finished report: its files on disk and the figures the outputs carry. */
export interface Report {
  readonly plan: Plan
  readonly scan: Scan
  readonly reports: Reports
  /** What the summary says of the run; render it again to add links known later. */
  readonly run: RunInfo
  readonly reportDir: string
  readonly csvPath: string
  readonly summaryPath: string
  readonly markdown: string
}

/** inputs → plan → engine → aggregate → reports → files. */
export async function makeReport(inputs: Inputs, context: ReportContext): Promise<Report> {
  const allowList = await readAllowList(inputs, context)
  // Before any AWS call: a rule file that cannot be read, or a fail-on rule that is not loaded,
  // fails the run before it costs anything.
  const { rules, notRun } = await loadRunRules(inputs, context.workspace, context.log)
  const suppressions = await loadRunSuppressions(inputs, context.workspace, rules, context.log)
  const failOn =
    inputs.failOn.length > 0 ? resolveFailOn(inputs.failOn, [...rules, ...GAP_RULES]) : undefined
  context.log.info(
    `Running ${rules.length} rule(s)${notRun.length > 0 ? `; ${notRun.length} not run (see the warnings)` : ''}`
  )
  const regions = await resolveRegions(inputs, {
    ec2: () => context.aws().ec2(),
    s3: () => context.aws().s3,
    log: context.log
  })
  // The suppressions are rules too, to the engines: suppressed findings come out of the scan as
  // `key~N` tokens, counted exactly.
  const plan = makePlan(inputs, regions, scanRules(rules, suppressions?.active ?? []))
  context.log.info(
    `Reading ${plan.accounts.length} account(s), ${plan.regions.length} region(s), day folders ${plan.folderDays.join(', ')}`
  )
  const scan =
    plan.engine === 'athena'
      ? await scanWithAthena(plan, { ...context.aws(), log: context.log, signal: context.signal })
      : await scanLocally(
          {
            ...plan,
            logs:
              'directory' in plan.logs
                ? plan.logs
                : { bucket: plan.logs.bucket, s3: context.aws().s3 }
          },
          { log: context.log, signal: context.signal }
        )
  const { rows, ...scanFacts } = scan
  const reports = await buildReports(rows, {
    rules,
    evidenceLimit: inputs.evidenceLimit,
    failOn,
    permissions:
      inputs.permissions === undefined ? undefined : { selection: inputs.permissions, allowList },
    gaps: { window: plan.window, accounts: plan.accounts },
    suppressions:
      suppressions === undefined
        ? undefined
        : { file: suppressions.file, entries: suppressions.active }
  })
  for (const entry of suppressions?.active ?? []) {
    if ((reports.suppressedByEntry.get(entry.index) ?? 0) > 0) continue
    context.log.warning(
      `${suppressions?.file ?? ''}:${entry.line}: the suppression of ${entry.rule} matched nothing in ${windowLabel(plan.window)}; remove it if it is no longer needed`
    )
  }

  const run: RunInfo = {
    window: plan.window,
    dayBoundary: plan.dayBoundary,
    accounts: plan.accounts,
    regions: plan.regions,
    engine: plan.engine,
    dedupe: plan.dedupe,
    top: inputs.top,
    ...scanFacts,
    failOn: reports.failOn,
    evidenceLimit: inputs.evidenceLimit,
    rulesRun: { all: rules.length, builtin: rules.filter((rule) => rule.builtin).length },
    rulesNotRun: notRun,
    suppressions:
      suppressions === undefined
        ? undefined
        : { file: suppressions.file, entries: suppressions.entries, expired: suppressions.expired }
  }
  const markdown = renderSummary(run, reports, SUMMARY_LIMIT_BYTES)
  await mkdir(context.reportDir, { recursive: true })
  const files = { ...reportFiles(reports), 'summary.md': markdown }
  for (const [name, content] of Object.entries(files)) {
    const path = join(context.reportDir, name)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, content)
  }
  return {
    plan,
    scan,
    reports,
    run,
    reportDir: context.reportDir,
    csvPath: join(context.reportDir, 'events.csv'),
    summaryPath: join(context.reportDir, 'summary.md'),
    markdown
  }
}

/** The `fail-on-permissions` document, read and checked before any AWS call. */
async function readAllowList(
  inputs: Inputs,
  context: ReportContext
): Promise<AllowList | undefined> {
  if (inputs.failOnPermissions === '') return undefined
  const document = await readPolicyDocument(
    Input.FailOnPermissions,
    inputs.failOnPermissions,
    context.workspace
  )
  for (const pattern of unknownPatterns(document)) {
    context.log.warning(
      `'${Input.FailOnPermissions}' (${inputs.failOnPermissions}): ${pattern} matches no known IAM action; a typo?`
    )
  }
  return { path: inputs.failOnPermissions, document }
}
