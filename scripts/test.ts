/**
 * `npm test`: Vitest over `__tests__/`, arguments passed on (`npm test -- __tests__/cli`).
 *
 * The tests that start moto (those importing `__fixtures__/moto.ts`, directly or through another
 * fixture) need `moto_server`. When it is neither on PATH nor installed under `node_modules/.cache`,
 * this installs it there. When that fails too (no Python, no network), every other test still
 * runs, and the run ends with a loud line saying how many tests were not run and the command that
 * installs moto. With `CI=true` a missing moto is a failure: CI must run every test.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findMotoServer, installMoto, MOTO_INSTALL_COMMAND, testsNeedingMoto } from './moto.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TESTS = join(ROOT, '__tests__')
const VITEST = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs'
)

/** Runs Vitest on this Node, with `env`; resolves to its exit code. */
function vitest(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [VITEST, ...args], { cwd: ROOT, env, stdio: 'inherit' })
  return new Promise((done) => child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0))))
}

/** How many tests `files` hold, as Vitest collects them (without running any). */
async function countTests(files: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (files.length === 0) return 0
  const dir = await mkdtemp(join(tmpdir(), 'vitest-list-'))
  const list = join(dir, 'tests.json')
  try {
    // `--json=PATH`: `--json PATH` would read the path as a test filter.
    const child = spawn(process.execPath, [VITEST, 'list', ...files, `--json=${list}`], {
      cwd: ROOT,
      env,
      stdio: 'ignore'
    })
    await new Promise((done) => child.once('exit', done))
    return (JSON.parse(await readFile(list, 'utf8')) as unknown[]).length
  } catch {
    return Number.NaN
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function isCi(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false'].includes(value.toLowerCase())
}

function loud(lines: readonly string[]): string {
  const text = lines.map((line) => `!!! ${line}`).join('\n')
  return process.stdout.isTTY ? `\x1b[1;33m${text}\x1b[0m` : text
}

async function main(args: readonly string[]): Promise<number> {
  const say = (line: string): void => {
    process.stderr.write(`npm test: ${line}\n`)
  }
  const found = findMotoServer()
  const moto = found === undefined ? installMoto(say) : { server: found }
  if ('server' in moto) {
    const path = [dirname(moto.server), process.env.PATH ?? ''].join(delimiter)
    return vitest(['run', ...args], { ...process.env, PATH: path })
  }

  const needing = await testsNeedingMoto()
  if (isCi(process.env.CI)) {
    say(`moto_server is missing and could not be installed: ${moto.reason}`)
    say(
      `with CI=true every test must run, and ${plural(needing.length, 'test file')} need moto. Install it with: ${MOTO_INSTALL_COMMAND}`
    )
    return 1
  }
  // Arguments naming test files narrow the run; those that match no file are other filters.
  const paths = (await readdir(TESTS)).map((name) => `__tests__/${name}`)
  const fileFilters = args.filter(
    (arg) => !arg.startsWith('-') && paths.some((path) => path.includes(arg))
  )
  const skipped = needing.filter(
    (file) => fileFilters.length === 0 || fileFilters.some((filter) => file.includes(filter))
  )
  const excluded = needing.flatMap((file) => ['--exclude', file])
  const code = await vitest(['run', ...args, ...excluded], process.env)
  if (skipped.length === 0) return code
  const tests = await countTests(skipped, process.env)
  process.stdout.write(
    `\n${loud([
      `moto_server is not installed, and npm test could not install it: ${moto.reason}`,
      `Not run: ${skipped.map((file) => relative('__tests__', file)).join(', ')}`,
      `NOT RUN: ${Number.isNaN(tests) ? 'the' : tests} tests of ${plural(skipped.length, 'file')} that need moto_server. Install it with: ${MOTO_INSTALL_COMMAND}`
    ])}\n`
  )
  return code
}

process.exitCode = await main(process.argv.slice(2))
