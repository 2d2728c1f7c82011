import { spawn } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

/** The bundled action and CLI, run on the Node that CI sets (the runtime action.yml declares). */
export const NODE = process.env.ACTION_NODE || process.execPath
export const ACTION = fileURLToPath(new URL('../dist/index.js', import.meta.url))
export const CLI = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url))
const ACTION_YML = fileURLToPath(new URL('../action.yml', import.meta.url))

export interface ActionRun {
  readonly code: number | null
  /** stdout and stderr, interleaved as they came. */
  readonly stdout: string
  readonly outputs: Record<string, string>
  readonly summary: string
  readonly reportDir: string
}

/**
 * Runs the bundled action the way the runner does: every input of action.yml (`actionInputEnv`),
 * `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files, `RUNNER_TEMP`, and no ACTIONS_RUNTIME_TOKEN (no
 * artifact service).
 */
export async function runBundledAction(
  workdir: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const inputEnv = await actionInputEnv(inputs, env.GITHUB_JOB)
  const runnerTemp = join(workdir, 'runner-temp')
  const githubOutput = join(workdir, 'github-output')
  const stepSummary = join(workdir, 'step-summary.md')
  await mkdir(runnerTemp, { recursive: true })
  await writeFile(githubOutput, '')
  await writeFile(stepSummary, '')

  const child = spawn(NODE, [ACTION], {
    cwd: workdir,
    env: {
      ...inputEnv,
      PATH: process.env.PATH ?? '',
      HOME: workdir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: githubOutput,
      GITHUB_STEP_SUMMARY: stepSummary,
      GITHUB_WORKSPACE: workdir,
      GITHUB_REPOSITORY: 'octo-org/audit',
      GITHUB_RUN_ID: '4242',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_EVENT_NAME: 'schedule',
      RUNNER_TEMP: runnerTemp,
      AWS_CONFIG_FILE: join(workdir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(workdir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(githubOutput, 'utf8')),
    summary: await readFile(stepSummary, 'utf8'),
    reportDir: join(runnerTemp, 'cloudtrail-report')
  }
}

/**
 * Every input of action.yml as the runner passes it, `INPUT_NAME` (upper-cased, hyphens kept),
 * holding its default unless given; a default that is an expression holds what the runner makes
 * of it, for the job `job` outside a matrix.
 */
export async function actionInputEnv(
  inputs: Record<string, string>,
  job = 'report'
): Promise<Record<string, string>> {
  const declared = (
    parse(await readFile(ACTION_YML, 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
  ).inputs
  const evaluated: Record<string, string> = {
    'github-token': 'ghs_notarealtoken',
    'job-key': job
  }
  const env: Record<string, string> = {}
  for (const [name, { default: fallback = '' }] of Object.entries(declared)) {
    const value = fallback.includes('${{') ? evaluated[name] : fallback
    if (value === undefined) throw new Error(`No value for ${name}'s default ${fallback}`)
    env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? value
  }
  return env
}

/** `name<<DELIMITER\nvalue\nDELIMITER\n`, as `core.setOutput` writes to GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm
  for (const [, name = '', , value = ''] of text.matchAll(pattern)) outputs[name] = value
  return outputs
}
