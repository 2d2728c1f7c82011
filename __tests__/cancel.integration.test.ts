import {
  AthenaClient,
  GetQueryExecutionCommand,
  type QueryExecution,
  type QueryExecutionState
} from '@aws-sdk/client-athena'
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ACTION, actionInputEnv, CLI, NODE } from '../__fixtures__/runner.js'
import { ownTableProperties, startMoto, type Moto } from '../__fixtures__/moto.js'
import { parseInputs } from '../src/inputs/inputs.js'
import { athenaSettings } from '../src/plan/plan.js'
import { aggregationQuery } from '../src/engine/athena/sql.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'

/** CI runs the bundle with the Node of `runs.using` (node24); locally, the Node running the tests. */
const REGION = 'us-east-1'
const REGIONS = ['us-east-1', 'eu-west-1']

/**
 * GetQueryExecution calls a query takes per state (moto's state manager): the action's own polls
 * (every 0.2 s to 3 s) could not move a query on before the test is over, and the test moves the
 * DDL through quickly by polling it itself.
 */
const HOLD_POLLS = 25

const INPUTS = {
  bucket: 'trail-logs',
  account: '123456789012',
  date: '2024-03-10',
  regions: REGIONS.join(','),
  'output-location': 's3://athena-results/cloudtrail/'
}

/** The line the action and the CLI log as soon as a query has started. */
const QUERY_STARTED = /^Athena query (\S+): https:\/\//gm

let moto: Moto
let athena: AthenaClient
let workdir: string

type Run = ChildProcessByStdio<null, Readable, Readable>

/** A bundle run by Node with the AWS SDK pointed at moto; its stdout and stderr collected. */
function startBundle(
  script: string,
  args: readonly string[],
  env: Record<string, string>
): { child: Run; output: () => string } {
  const child = spawn(NODE, [script, ...args], {
    cwd: workdir,
    env: {
      ...env,
      HOME: workdir,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_CONFIG_FILE: join(workdir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(workdir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return { child, output: () => output }
}

/** The bundled action, started the way the runner starts it. */
async function startAction(): Promise<{ child: Run; output: () => string }> {
  const env = await actionInputEnv(INPUTS)
  const runnerTemp = join(workdir, 'runner-temp')
  await mkdir(runnerTemp, { recursive: true })
  await writeFile(join(workdir, 'github-output'), '')
  await writeFile(join(workdir, 'step-summary.md'), '')
  return startBundle(ACTION, [], {
    ...env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(workdir, 'github-output'),
    GITHUB_STEP_SUMMARY: join(workdir, 'step-summary.md'),
    GITHUB_WORKSPACE: workdir,
    GITHUB_REPOSITORY: 'octo-org/audit',
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_NAME: 'schedule',
    RUNNER_TEMP: runnerTemp
  })
}

/** The bundled CLI with the same inputs as options. */
function startCli(): { child: Run; output: () => string } {
  const options = Object.entries(INPUTS).flatMap(([name, value]) => [`--${name}`, value])
  return startBundle(CLI, [...options, '--out', join(workdir, 'report')], {})
}

function exited(child: Run): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

async function queryExecution(id: string): Promise<QueryExecution> {
  const { QueryExecution: execution } = await athena.send(
    new GetQueryExecutionCommand({ QueryExecutionId: id })
  )
  if (execution === undefined) throw new Error(`moto does not know query ${id}`)
  return execution
}

/** Polls a held query from the test until it reaches `state`: each poll counts toward a move. */
async function moveOn(id: string, state: QueryExecutionState): Promise<void> {
  for (let poll = 0; poll < 3 * HOLD_POLLS; poll++) {
    if ((await queryExecution(id)).Status?.State === state) return
  }
  throw new Error(`Athena query ${id} did not reach ${state} in moto`)
}

/**
 * Lets the action's DDL succeed and returns the id of its aggregation query, held in moto. Fails
 * with the action's output if it ends first.
 */
async function heldAggregation(action: Run, output: () => string): Promise<string> {
  const aggregation = aggregationQuery(
    athenaSettings(
      parseInputs((input) => INPUTS[input as keyof typeof INPUTS] ?? '', new Date()),
      REGIONS,
      BUILTIN_RULES
    )
  )
  const seen = new Set<string>()
  while (action.exitCode === null && action.signalCode === null) {
    for (const [, id = ''] of output().matchAll(QUERY_STARTED)) {
      if (seen.has(id)) continue
      seen.add(id)
      if ((await queryExecution(id)).Query === aggregation) return id
      await moveOn(id, 'SUCCEEDED')
    }
    await delay(20)
  }
  throw new Error(`The action ended before its aggregation query started:\n${output()}`)
}

beforeAll(async () => {
  for (const bundle of [ACTION, CLI]) {
    if (!existsSync(bundle)) {
      throw new Error(`${bundle} is missing: run 'npm run bundle' before the integration tests`)
    }
  }
  moto = await startMoto()
  athena = new AthenaClient({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  })
})

afterAll(async () => {
  await moto?.stop()
})

beforeEach(async () => {
  await moto.reset()
  // SHOW TBLPROPERTIES (moto has no GetTableMetadata) finds no table, CREATE, then SHOW finds it.
  await moto.queueAthenaResults(REGION, [
    [],
    [],
    ownTableProperties({ bucket: INPUTS.bucket, prefix: '', organizationId: '' })
  ])
  await moto.holdAthenaQueries(HOLD_POLLS)
  workdir = await mkdtemp(join(tmpdir(), 'action-cancel-'))
})

afterEach(async () => {
  await moto.reset()
  await rm(workdir, { recursive: true, force: true })
})

/** How often the action called each Athena operation, from moto's recording. */
async function athenaCalls(): Promise<Record<string, number>> {
  const calls: Record<string, number> = {}
  for (const { target } of await moto.awsRequests()) {
    if (target?.startsWith('AmazonAthena.')) {
      const operation = target.slice('AmazonAthena.'.length)
      calls[operation] = (calls[operation] ?? 0) + 1
    }
  }
  return calls
}

async function stopsRequested(): Promise<string[]> {
  return (await moto.awsRequests())
    .filter(({ target }) => target === 'AmazonAthena.StopQueryExecution')
    .map(({ body }) => (JSON.parse(body) as { QueryExecutionId: string }).QueryExecutionId)
}

describe('the bundled action, cancelled while its query runs in moto', () => {
  it('stops the queued aggregation query on SIGINT, then fails saying so', async () => {
    const { child, output } = await startAction()
    const id = await heldAggregation(child, output)
    expect((await queryExecution(id)).Status?.State).toBe('QUEUED')

    child.kill('SIGINT')
    const exit = await exited(child)

    expect(exit).toEqual({ code: 1, signal: null })
    expect(output()).toContain(
      `::error::Athena query ${id} was stopped with StopQueryExecution: Cancelled by SIGINT\n`
    )
    expect(await stopsRequested()).toEqual([id])
    expect((await queryExecution(id)).Status?.State).toBe('CANCELLED')
  })

  it('stops the running aggregation query on SIGTERM, then fails saying so', async () => {
    const { child, output } = await startAction()
    const id = await heldAggregation(child, output)
    await moveOn(id, 'RUNNING')

    child.kill('SIGTERM')
    const exit = await exited(child)

    expect(exit).toEqual({ code: 1, signal: null })
    expect(output()).toContain(
      `::error::Athena query ${id} was stopped with StopQueryExecution: Cancelled by SIGTERM\n`
    )
    expect(await stopsRequested()).toEqual([id])
    expect((await queryExecution(id)).Status?.State).toBe('CANCELLED')
  })

  it('is not cut short by more signals while it stops the query', async () => {
    const { child, output } = await startAction()
    const id = await heldAggregation(child, output)

    // A cancelled workflow sends SIGINT, then SIGTERM; someone may press Ctrl-C twice. A few ms
    // after the first, the others arrive while StopQueryExecution is under way.
    child.kill('SIGINT')
    await delay(5)
    child.kill('SIGTERM')
    child.kill('SIGINT')
    const exit = await exited(child)

    expect(exit).toEqual({ code: 1, signal: null })
    expect(output()).toContain(
      `::error::Athena query ${id} was stopped with StopQueryExecution: Cancelled by SIGINT\n`
    )
    expect(await stopsRequested()).toEqual([id])
    expect((await queryExecution(id)).Status?.State).toBe('CANCELLED')
    // The DDL ran to its end; nothing was started after the stop.
    expect((await athenaCalls()).StartQueryExecution).toBe(4)
  })
})

describe('the bundled CLI, interrupted while its query runs in moto', () => {
  it('stops the query on Ctrl-C, waits through a second one, and exits 1 saying so', async () => {
    const { child, output } = startCli()
    const id = await heldAggregation(child, output)

    child.kill('SIGINT')
    await delay(5)
    child.kill('SIGINT')
    const exit = await exited(child)

    expect(exit).toEqual({ code: 1, signal: null })
    expect(output()).toContain(
      `error: Athena query ${id} was stopped with StopQueryExecution: Cancelled by SIGINT\n`
    )
    expect(await stopsRequested()).toEqual([id])
    expect((await queryExecution(id)).Status?.State).toBe('CANCELLED')
  })
})
