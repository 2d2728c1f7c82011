import * as core from '@actions/core'
import { join } from 'node:path'
import { uploadReportDir } from './artifact.js'
import type { AwsClients } from './aws.js'
import { parseInputs, type Input } from './inputs.js'
import type { Log } from './log.js'
import { makeReport } from './report.js'

/** What the runner gives the action, gathered by `index.ts`. */
export interface ActionEnvironment {
  readonly read: (input: Input) => string
  readonly now: Date
  readonly runnerTemp: string
  /** `…/owner/repo/actions/runs/ID`, or `undefined` outside GitHub Actions (no artifact upload). */
  readonly runUrl: string | undefined
  readonly aws: () => AwsClients
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
    const report = await makeReport(inputs, {
      log: actionLog,
      aws: environment.aws,
      reportDir: join(environment.runnerTemp, 'cloudtrail-report'),
      signal: environment.signal
    })

    await core.summary.addRaw(report.markdown).write()
    core.setOutput('csv-path', report.csvPath)
    core.setOutput('report-dir', report.reportDir)
    core.setOutput('total-events', report.reports.totalEvents)
    core.setOutput('query-execution-id', report.scan.queryExecutionId ?? '')
    core.setOutput('data-scanned-bytes', report.scan.dataScannedBytes ?? 0)

    if (inputs.artifactName === '') {
      core.info("Artifact upload skipped: 'artifact-name' is empty")
    } else if (environment.runUrl === undefined) {
      core.warning('Artifact upload skipped: not running inside GitHub Actions')
    } else {
      const artifact = await uploadReportDir(
        inputs.artifactName,
        report.reportDir,
        inputs.retentionDays,
        environment.runUrl
      )
      core.setOutput('artifact-id', artifact.id)
      core.setOutput('artifact-url', artifact.url)
      core.info(`Uploaded artifact '${inputs.artifactName}': ${artifact.url}`)
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
