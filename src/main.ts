import * as core from '@actions/core'
import { join } from 'node:path'
import { uploadReportDir } from './outputs/artifact.js'
import type { AwsClients } from './run/aws.js'
import { failOnMessage } from './reports/fail-on.js'
import { parseInputs, type Input, type Inputs } from './inputs/inputs.js'
import type { Log } from './run/log.js'
import type { Sleep } from './run/retry.js'
import { COMMENT_LIMIT_BYTES, upsertComment, type PullRequestTarget } from './outputs/pr-comment.js'
import { makeReport, type Report } from './pipeline.js'
import { notAllowedMessage } from './reports/permissions/report.js'
import { renderSummary, SUMMARY_LIMIT_BYTES, type ArtifactStatus } from './reports/summary/index.js'

/** The pull request of a `pull_request` event; the token is an input, the key is made here. */
export interface PullRequestEvent extends Omit<PullRequestTarget, 'token' | 'key'> {
  /** The workflow's name: with `job-key`, it keys this job's comment. */
  readonly workflow: string
}

/** What the runner gives the action, gathered by `index.ts`. */
export interface ActionEnvironment {
  readonly read: (input: Input) => string
  readonly now: Date
  readonly runnerTemp: string
  /** `GITHUB_WORKSPACE`: where relative input paths (`fail-on-permissions`) start. */
  readonly workspace: string
  /** `…/owner/repo/actions/runs/ID`, or `undefined` outside GitHub Actions (no artifact upload). */
  readonly runUrl: string | undefined
  readonly pullRequest: PullRequestEvent | undefined
  /** The AWS clients, made on first use; each retry they make is logged to `log`. */
  readonly aws: (log: Log) => AwsClients
  readonly signal: AbortSignal
  /** Waits between the comment's retries; tests make it instant. */
  readonly sleep?: Sleep
}

const actionLog: Log = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  group: (name, work) => core.group(name, work)
}

/**
 * The action. The report is published in the order of what matters most: the job summary, then
 * the pull request comment, then the artifact. A failure of one does not stop the next; the step
 * fails once, at the end, with every problem (the `fail-on` verdict first) in one message.
 */
export async function run(environment: ActionEnvironment): Promise<void> {
  const problems: string[] = []
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
    setOutputs(report)
    const failOn = report.run.failOn
    if (failOn !== undefined && failOn.flagged > 0) problems.push(failOnMessage(failOn))
    const notAllowed = notAllowedMessage(report.reports.permissions)
    if (notAllowed !== undefined) problems.push(notAllowed)
    await publish(report, inputs, environment, problems)
  } catch (error) {
    problems.push(messageOf(error))
  }
  if (problems.length > 0) core.setFailed(problems.join('\n'))
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Summary, comment, artifact: each is done even when one before it failed, into `problems`. */
async function publish(
  report: Report,
  inputs: Inputs,
  environment: ActionEnvironment,
  problems: string[]
): Promise<void> {
  const attempt = async (work: () => Promise<void>): Promise<void> => {
    try {
      await work()
    } catch (error) {
      problems.push(messageOf(error))
    }
  }
  const artifact = artifactToUpload(inputs, environment.runUrl)
  const render = (limitBytes: number, status = artifact): string =>
    renderSummary({ ...report.run, artifact: status }, report.reports, limitBytes)

  await attempt(() => writeSummary(render(SUMMARY_LIMIT_BYTES)))
  if (inputs.commentOnPr) await comment(environment, inputs, render(COMMENT_LIMIT_BYTES))
  if (artifact === undefined) return

  let upload: ArtifactStatus['upload'] = 'failed'
  await attempt(async () => {
    const uploaded = await uploadReportDir(
      artifact.name,
      report.reportDir,
      inputs.retentionDays,
      artifact.runUrl
    )
    core.setOutput('artifact-id', uploaded.id)
    core.setOutput('artifact-url', uploaded.url)
    core.info(`Uploaded artifact '${artifact.name}': ${uploaded.url}`)
    upload = { url: uploaded.url }
  })
  await attempt(() =>
    writeSummary(render(SUMMARY_LIMIT_BYTES, { ...artifact, upload }), { overwrite: true })
  )
}

function setOutputs(report: Report): void {
  core.setOutput('csv-path', report.csvPath)
  core.setOutput('report-dir', report.reportDir)
  core.setOutput('total-events', report.reports.totalEvents)
  core.setOutput('query-execution-id', report.scan.queryExecutionId ?? '')
  core.setOutput('data-scanned-bytes', report.scan.dataScannedBytes ?? 0)
  core.setOutput('flagged', report.run.failOn?.flagged ?? 0)
}

/** The artifact to upload, or `undefined` (said in the log) when there is none. */
function artifactToUpload(inputs: Inputs, runUrl: string | undefined): ArtifactStatus | undefined {
  if (inputs.artifactName === '') {
    core.info("Artifact upload skipped: 'artifact-name' is empty")
    return undefined
  }
  if (runUrl === undefined) {
    core.warning('Artifact upload skipped: not running inside GitHub Actions')
    return undefined
  }
  return { name: inputs.artifactName, runUrl, upload: 'pending' }
}

/** The step's summary file is the step's own: writing it again replaces the first version. */
async function writeSummary(markdown: string, options?: { overwrite: boolean }): Promise<void> {
  await core.summary.emptyBuffer().addRaw(markdown).write(options)
}

/** Never fails: a comment that cannot be posted is a warning (see `upsertComment`). */
async function comment(
  environment: ActionEnvironment,
  inputs: Inputs,
  body: string
): Promise<void> {
  const pullRequest = environment.pullRequest
  if (pullRequest === undefined) {
    core.warning("'comment-on-pr' is set, but this run is not for a pull request: no comment")
    return
  }
  const { workflow, ...where } = pullRequest
  const target = { ...where, token: inputs.githubToken, key: `${workflow}/${inputs.jobKey}` }
  await upsertComment(target, body, { log: actionLog, sleep: environment.sleep })
}
