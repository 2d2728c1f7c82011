import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INPUTS } from '../src/inputs/definitions.js'
import { DEFAULTS, Input } from '../src/inputs/inputs.js'

interface ActionYml {
  inputs: Record<string, { description: string; required: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as ActionYml

describe('action.yml', () => {
  it('declares exactly the inputs the code reads, each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort())
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length, name).toBeGreaterThan(10)
    }
  })

  it('describes each input word for word as the definitions the CLI help prints', () => {
    for (const input of Object.values(Input)) {
      expect(action.inputs[input]?.description, input).toBe(INPUTS[input].description)
    }
  })

  it('declares the same defaults the CLI uses, or the expression the runner evaluates', () => {
    for (const input of Object.values(Input)) {
      const declared = action.inputs[input]?.default ?? ''
      expect(declared, input).toBe(INPUTS[input].actionDefault ?? DEFAULTS[input])
    }
    expect(action.inputs['github-token']?.default).toBe('${{ github.token }}')
  })

  it('requires only the account', () => {
    const required = Object.entries(action.inputs).filter(([, input]) => input.required)
    expect(required.map(([name]) => name)).toEqual(['account'])
    const defined = Object.values(Input).filter((input) => INPUTS[input].required)
    expect(defined).toEqual(['account'])
  })

  it('declares every output the action sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        'artifact-id',
        'artifact-url',
        'csv-path',
        'data-scanned-bytes',
        'flagged',
        'query-execution-id',
        'report-dir',
        'total-events'
      ].sort()
    )
  })

  it('runs the bundle on Node 24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
})
