import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import {
  MANAGED_PROPERTY,
  projectionProperties,
  SCHEMA_VERSION,
  SCHEMA_VERSION_PROPERTY
} from '../src/engine/athena/sql.js'
import type { Layout } from '../src/plan/layout.js'
import { findMotoServer, MOTO_INSTALL_COMMAND } from '../scripts/moto.js'

/** One request moto received, as its recorder wrote it down. */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  /** `X-Amz-Target` of JSON APIs, such as `AmazonAthena.StartQueryExecution`. */
  readonly target: string | undefined
  readonly body: string
}

/** One result moto hands the next query started: rows of cells, `null` for a NULL. */
export type AthenaResult = readonly (readonly (string | null)[])[]

/** A `moto_server` of this test file's own, on a free loopback port. */
export interface Moto {
  readonly endpoint: string
  /** Every request to an AWS API since the last reset, in order; moto's own API left out. */
  awsRequests(): Promise<RecordedRequest[]>
  /** Forgets every resource, queued result, recorded request and held state transition. */
  reset(): Promise<void>
  /** Queues results: moto gives the first to the next query started (DDL included), and so on. */
  queueAthenaResults(region: string, results: readonly AthenaResult[]): Promise<void>
  /**
   * Holds every Athena query: it moves one state on (QUEUED, RUNNING, SUCCEEDED) only after
   * `polls` GetQueryExecution calls for it, from anyone, instead of succeeding at once.
   */
  holdAthenaQueries(polls: number): Promise<void>
  stop(): Promise<void>
}

const READY_TIMEOUT_MS = 30_000

/** moto's name for Athena query executions in its state manager. */
const ATHENA_EXECUTION = 'athena::execution'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('No free port found')
  return address.port
}

/**
 * Starts `moto_server` (on PATH, or the one `npm test` installs under `node_modules/.cache`) with
 * its request recorder on. Fails, never skips, when moto is missing: the integration tests are the
 * proof that the action works end to end (`npm test` leaves these files out, loudly, when it
 * cannot install moto).
 */
export async function startMoto(): Promise<Moto> {
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const dir = await mkdtemp(join(tmpdir(), 'moto-'))
  const recording = join(dir, 'recording.jsonl')
  const child = spawn(findMotoServer() ?? 'moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_ENABLE_RECORDING: 'True', MOTO_RECORDER_FILEPATH: recording },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  await waitUntilReady(child, endpoint, () => stderr)

  const post = async (path: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${endpoint}${path}`, {
      method: 'POST',
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    if (!response.ok) throw new Error(`moto ${path}: HTTP ${response.status}`)
  }

  return {
    endpoint,
    async awsRequests() {
      const text = await readFile(recording, 'utf8').catch(() => '')
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as RecordedLine)
        .filter((entry) => !new URL(entry.url).pathname.startsWith('/moto-api/'))
        .map((entry) => ({
          method: entry.method,
          url: entry.url,
          target: entry.headers['X-Amz-Target'] ?? entry.headers['x-amz-target'],
          body: entry.body_encoded
            ? Buffer.from(entry.body ?? '', 'base64').toString('utf8')
            : (entry.body ?? '')
        }))
    },
    async reset() {
      await post('/moto-api/reset')
      await post('/moto-api/recorder/reset-recording')
      // A transition outlives moto's reset, which clears resources only.
      await post('/moto-api/state-manager/unset-transition', { model_name: ATHENA_EXECUTION })
    },
    async queueAthenaResults(region, results) {
      await post('/moto-api/static/athena/query-results', {
        region,
        results: results.map((rows) => ({
          rows: rows.map((cells) => ({
            Data: cells.map((cell) => (cell === null ? {} : { VarCharValue: cell }))
          }))
        }))
      })
    },
    async holdAthenaQueries(polls) {
      // moto counts GetQueryExecution calls per execution ("manual" progression) and moves the
      // state on at `times`: https://docs.getmoto.org/en/latest/docs/configuration/state_transition/index.html
      await post('/moto-api/state-manager/set-transition', {
        model_name: ATHENA_EXECUTION,
        transition: { progression: 'manual', times: polls }
      })
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    }
  }
}

interface RecordedLine {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string>
  readonly body?: string
  readonly body_encoded?: boolean
}

async function waitUntilReady(
  child: ChildProcess,
  endpoint: string,
  stderr: () => string
): Promise<void> {
  let failure: Error | undefined
  child.once('error', (error) => {
    failure = new Error(
      `Could not start moto_server (${error.message}): install it with ${MOTO_INSTALL_COMMAND}`
    )
  })
  child.once('exit', (code) => {
    failure ??= new Error(`moto_server exited with code ${code}:\n${stderr()}`)
  })
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (failure !== undefined) throw failure
    const ready = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false
    )
    if (ready) return
    await delay(100)
  }
  child.kill('SIGTERM')
  throw new Error(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms`)
}

/**
 * SHOW TBLPROPERTIES as Athena answers it for a table this action created (one `name\tvalue`
 * cell a row), to queue for the lookup moto cannot do with GetTableMetadata. With a layout, the
 * table has partition projection over that trail; without, it is a manual-partitioning table.
 */
export function ownTableProperties(layout?: Layout): AthenaResult {
  const properties = {
    EXTERNAL: 'TRUE',
    [MANAGED_PROPERTY]: 'true',
    [SCHEMA_VERSION_PROPERTY]: SCHEMA_VERSION,
    ...(layout === undefined ? {} : projectionProperties(layout))
  }
  return Object.entries(properties).map(([name, value]) => [`${name}\t${value}`])
}
