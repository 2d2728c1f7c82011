import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MOTO_INSTALL_COMMAND, testsNeedingMoto } from '../scripts/moto.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'npm-test-'))
  // A PATH with Node and a shell only: no moto_server, and no Python to install it with.
  await symlink(process.execPath, join(dir, 'node'))
  await symlink('/bin/sh', join(dir, 'sh'))
})

afterAll(() => rm(dir, { recursive: true, force: true }))

/** `npm test` (scripts/test.ts) with `args`, on a machine without moto or Python. */
async function npmTest(
  args: string[],
  env: Record<string, string> = {}
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [TSX, 'scripts/test.ts', ...args], {
    cwd: ROOT,
    env: { PATH: dir, HOME: dir, MOTO_VENV: join(dir, 'no-venv'), NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, stdout, stderr }
}

describe('npm test', () => {
  it('tells the tests that start moto from those that need only dist/', async () => {
    expect(await testsNeedingMoto()).toEqual([
      '__tests__/action.integration.test.ts',
      '__tests__/cancel.integration.test.ts',
      '__tests__/engine-athena-scan.integration.test.ts',
      '__tests__/engine-local-faults.integration.test.ts',
      '__tests__/engine-local-sources-s3.integration.test.ts'
    ])
  })

  it('without moto, runs every other test and ends saying loudly what it did not run', async () => {
    const run = await npmTest(['__tests__/inputs-window', '__tests__/engine-local-sources-s3'])
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(/Tests +5 passed \(5\)/)
    // The file's tests, one `it(` each (it has no it.each or generated tests).
    const left = await readFile(
      join(ROOT, '__tests__/engine-local-sources-s3.integration.test.ts'),
      'utf8'
    )
    const tests = left.match(/^\s*it\(/gm)?.length
    expect(run.stdout.trimEnd().split('\n').slice(-3)).toEqual([
      '!!! moto_server is not installed, and npm test could not install it: no Python 3.9 or later on PATH (python3 or python)',
      '!!! Not run: engine-local-sources-s3.integration.test.ts',
      `!!! NOT RUN: ${tests} tests of 1 file that need moto_server. Install it with: ${MOTO_INSTALL_COMMAND}`
    ])
  }, 120_000)

  it('with CI=true, fails on a missing moto instead', async () => {
    const run = await npmTest(['__tests__/inputs-window'], { CI: 'true' })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      'npm test: moto_server is missing and could not be installed: no Python 3.9 or later on PATH (python3 or python)\n' +
        `npm test: with CI=true every test must run, and 5 test files need moto. Install it with: ${MOTO_INSTALL_COMMAND}\n`
    )
  }, 60_000)
})
