import * as core from '@actions/core'
import { join } from 'node:path'
import { uploadReportDir, type UploadedArtifact } from './outputs/artifact.js'
import type { AwsClients } from './run/aws.js'
import { failOnMessage } from './reports/fail-on.js'
import { parseInputs, type Input, type Inputs } from './inputs/inputs.js'
import type { Log } from './run/log.js'
import { COMMENT_LIMIT_BYTES, upsertComment, type PullRequestTarget } from './outputs/pr-comment.js'
import { makeReport } from './pipeline.js'
import { notAllowedMessage } from './reports/permissions/report.js'
import { renderSummary, SUMMARY_LIMIT_BYTES } from './reports/summary.js'

/** What the runner gives the action, gathered by `index.ts`. */
export interface ActionEnvironment {
  readonly read: (input: Input) => string
  readonly now: Date
  readonly runnerTemp: string
  /** `GITHUB_WORKSPACE`: where relative input paths (`fail-on-permissions`) start. */
  readonly workspace: string
  /** `…/owner/repo/actions/runs/ID`, or `undefined` outside GitHub Actions (no artifact upload). */
  readonly runUrl: string | undefined
  /** The pull request of a `pull_request` event, without the token (that is an input). */
  readonly pullRequest: Omit<PullRequestTarget, 'token'> | undefined
  /** The AWS clients, made on first use; each retry they make is logged to `log`. */
  readonly aws: (log: Log) => AwsClients
  readonly signal: AbortSignal
}

const actionLog: Log = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  group: (name, work) => core.group(name, work)
}

/** The action: every failure ends here, once, as the step's error. */
export async function run(environment: ActionEnvironment): Promise<void> {
  try {
    const inputs = parseInputs(environment.read, environment.now)
    if (inputs.githubToken !== '') core.setSecret(inputs.githubToken)
    const report = await makeReport(inputs, {
      log: actionLog,
      aws: () => environment.aws(actionLog),
      reportDir: join(environment.runnerTemp, 'cloudtrail-report'),
      workspace: environment.workspace,
      signal: environment.signal
    })

    core.setOutput('csv-path', report.csvPath)
    core.setOutput('report-dir', report.reportDir)
    core.setOutput('total-events', report.reports.totalEvents)
    core.setOutput('query-execution-id', report.scan.queryExecutionId ?? '')
    core.setOutput('data-scanned-bytes', report.scan.dataScannedBytes ?? 0)
    core.setOutput('flagged', report.run.failOn?.flagged ?? 0)

    const artifact = await upload(inputs, report.reportDir, environment.runUrl)
    const run = { ...report.run, artifactUrl: artifact?.url }
    await core.summary.addRaw(renderSummary(run, report.reports, SUMMARY_LIMIT_BYTES)).write()
    if (inputs.commentOnPr) {
      if (environment.pullRequest === undefined) {
        core.warning("'comment-on-pr' is set, but this run is not for a pull request: no comment")
      } else {
        const body = renderSummary(run, report.reports, COMMENT_LIMIT_BYTES)
        const target = { ...environment.pullRequest, token: inputs.githubToken }
        await upsertComment(target, body, { log: actionLog })
      }
    }

    if (report.run.failOn !== undefined && report.run.failOn.flagged > 0) {
      core.setFailed(failOnMessage(report.run.failOn))
    }
    const notAllowed = notAllowedMessage(report.reports.permissions)
    if (notAllowed !== undefined) core.setFailed(notAllowed)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

async function upload(
  inputs: Inputs,
  reportDir: string,
  runUrl: string | undefined
): Promise<UploadedArtifact | undefined> {
  if (inputs.artifactName === '') {
    core.info("Artifact upload skipped: 'artifact-name' is empty")
    return undefined
  }
  if (runUrl === undefined) {
    core.warning('Artifact upload skipped: not running inside GitHub Actions')
    return undefined
  }
  const artifact = await uploadReportDir(
    inputs.artifactName,
    reportDir,
    inputs.retentionDays,
    runUrl
  )
  core.setOutput('artifact-id', artifact.id)
  core.setOutput('artifact-url', artifact.url)
  core.info(`Uploaded artifact '${inputs.artifactName}': ${artifact.url}`)
  return artifact
}
