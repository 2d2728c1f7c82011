/**
 * Finds `moto_server`, the AWS emulator the integration tests run against, or installs it: a
 * Python virtual environment under `node_modules/.cache`, filled with the `moto[server]` version
 * CI pins (`.ci/moto-requirements.txt`), so that `npm test` works on a machine that never had it.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, readFileSync, rmSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TESTS = join(ROOT, '__tests__')
const MOTO_FIXTURE = join(ROOT, '__fixtures__', 'moto.ts')
const REQUIREMENTS = fileURLToPath(new URL('../.ci/moto-requirements.txt', import.meta.url))
/** Where `npm test` installs moto; `MOTO_VENV` moves it (the tests of this script do). */
export const MOTO_VENV =
  process.env.MOTO_VENV ??
  fileURLToPath(new URL('../node_modules/.cache/moto-venv', import.meta.url))

const WINDOWS = process.platform === 'win32'
const VENV_BIN = join(MOTO_VENV, WINDOWS ? 'Scripts' : 'bin')
const EXECUTABLE = WINDOWS ? 'moto_server.exe' : 'moto_server'

/** The pinned requirement, such as `moto[server]==5.2.1`. */
export const MOTO_REQUIREMENT =
  readFileSync(REQUIREMENTS, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#')) ?? 'moto[server]'

/** The one command that installs moto by hand, as CI does. */
export const MOTO_INSTALL_COMMAND = `python3 -m pip install '${MOTO_REQUIREMENT}'`

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** `moto_server` on `path` (the PATH), else the one `npm test` installed; `undefined` if neither. */
export function findMotoServer(path: string | undefined = process.env.PATH): string | undefined {
  const dirs = [...(path ?? '').split(delimiter).filter((dir) => dir !== ''), VENV_BIN]
  return dirs.map((dir) => join(dir, EXECUTABLE)).find(isExecutable)
}

export type Installed = { readonly server: string } | { readonly reason: string }

/**
 * Installs moto into `MOTO_VENV`; says why not when it cannot (no Python 3, no `venv` module, no
 * network). A half-made environment is removed, so the next run tries again from scratch.
 */
export function installMoto(say: (line: string) => void): Installed {
  const python = ['python3', 'python'].find(
    (command) =>
      spawnSync(command, ['-c', 'import sys; sys.exit(sys.version_info < (3, 9))']).status === 0
  )
  if (python === undefined) return { reason: 'no Python 3.9 or later on PATH (python3 or python)' }
  say(`moto_server is not on PATH: installing ${MOTO_REQUIREMENT} into ${MOTO_VENV} (once)`)
  const failed = (step: string, result: ReturnType<typeof spawnSync>): Installed => {
    rmSync(MOTO_VENV, { recursive: true, force: true })
    const output = `${result.stderr?.toString() ?? ''}${result.error?.message ?? ''}`.trim()
    const last = output.split('\n').at(-1) ?? ''
    return { reason: `${step} failed${last === '' ? '' : `: ${last}`}` }
  }
  const venv = spawnSync(python, ['-m', 'venv', MOTO_VENV], { encoding: 'utf8' })
  if (venv.status !== 0) return failed(`${python} -m venv`, venv)
  const pip = spawnSync(
    join(VENV_BIN, 'python'),
    [
      ...['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'],
      // Offline, fail in seconds rather than after pip's default five retries.
      ...['--retries', '1', '--timeout', '15', '-r', REQUIREMENTS]
    ],
    { encoding: 'utf8' }
  )
  if (pip.status !== 0) return failed(`pip install '${MOTO_REQUIREMENT}'`, pip)
  const server = findMotoServer('')
  return server === undefined ? { reason: `pip installed no ${EXECUTABLE}` } : { server }
}

/** The relative modules `file` imports, as files of the repository. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)]
  return specifiers.map(([, specifier = '']) =>
    resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))
  )
}

/** Whether `file` reaches `__fixtures__/moto.ts` through its relative imports. */
async function needsMoto(file: string, seen = new Set<string>()): Promise<boolean> {
  if (file === MOTO_FIXTURE) return true
  if (seen.has(file) || !file.startsWith(ROOT) || file.includes('node_modules')) return false
  seen.add(file)
  const imports = await importsOf(file).catch(() => [])
  for (const imported of imports) if (await needsMoto(imported, seen)) return true
  return false
}

/**
 * The test files, relative to the root, that start moto: those importing `__fixtures__/moto.ts`,
 * directly or through other modules of the repository. Other integration tests need only `dist/`.
 */
export async function testsNeedingMoto(): Promise<string[]> {
  const files = (await readdir(TESTS)).filter((name) => name.endsWith('.test.ts')).sort()
  const needing: string[] = []
  for (const name of files) {
    if (await needsMoto(join(TESTS, name))) needing.push(`__tests__/${name}`)
  }
  return needing
}
