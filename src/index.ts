import * as core from '@actions/core'
import { context } from '@actions/github'
import { tmpdir } from 'node:os'
import { awsClientsOnDemand } from './run/aws.js'
import { run } from './main.js'

const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, ACTIONS_RUNTIME_TOKEN } = process.env

// A cancelled workflow sends SIGINT, then SIGTERM 7.5 s later, then kills the process 2.5 s after
// that: https://docs.github.com/en/actions/managing-workflow-runs/canceling-a-workflow
// The first signal aborts the run, which stops a running query before the step fails; the second
// changes nothing (abort() is idempotent) instead of ending the process before the stop is sent.
const cancel = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => cancel.abort(new Error(`Cancelled by ${signal}`)))
}

const pullNumber = context.payload.pull_request?.number
await run({
  read: (input) => core.getInput(input),
  now: new Date(),
  runnerTemp: process.env.RUNNER_TEMP || tmpdir(),
  workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
  runUrl:
    ACTIONS_RUNTIME_TOKEN && GITHUB_REPOSITORY && GITHUB_RUN_ID
      ? `${GITHUB_SERVER_URL ?? 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
      : undefined,
  pullRequest:
    pullNumber === undefined || GITHUB_REPOSITORY === undefined
      ? undefined
      : {
          apiUrl: context.apiUrl,
          owner: context.repo.owner,
          repo: context.repo.repo,
          number: pullNumber,
          workflow: context.workflow
        },
  aws: awsClientsOnDemand(process.env),
  signal: cancel.signal
})

// After a cancellation, more signals may still be on their way; exiting now, with the failure
// already reported, keeps one arriving during Node's teardown from ending the step by signal.
if (cancel.signal.aborted) process.exit(process.exitCode ?? 1)
