import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULTS, Input, parseInputs, type Inputs } from '../src/inputs/inputs.js'
import { athenaSettings } from '../src/plan/plan.js'
import { csvDocument } from '../src/reports/csv.js'
import { coldRunStatements } from '../src/engine/athena/sql.js'
import { InputError } from '../src/inputs/validation.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'

const NOW = new Date('2026-11-23T08:30:00Z')
const VALID: Partial<Record<Input, string>> = {
  [Input.Bucket]: 'trail-logs',
  [Input.Account]: '111122223333',
  [Input.Regions]: 'us-east-1'
}

function inputsWith(input: Input, value: string): Inputs {
  const all: Record<Input, string> = { ...DEFAULTS, ...VALID, [input]: value }
  return parseInputs((name) => all[name], NOW)
}

/**
 * The statements with every quoted literal and name replaced by `?`, and lists of them folded:
 * what is left is the shape of the SQL, which no input value may change.
 */
function shape(inputs: Inputs): string {
  // No regions means discovery, which would find some: stand one in.
  return coldRunStatements(athenaSettings(inputs, inputs.regions ?? ['us-east-1'], BUILTIN_RULES))
    .join(';\n')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '?')
    .replace(/\?(\s*,\s*\?)+/g, '?')
    .replace(/\(\?\s*=\s*\?\)/g, '(?)')
}

/** Inputs whose value reaches SQL text or S3 keys, with a valid value to grow strings from. */
const REACHES_SQL: [Input, string][] = [
  [Input.Bucket, 'trail-logs'],
  [Input.Prefix, 'org/trails'],
  [Input.Account, '111122223333'],
  [Input.OrganizationId, 'o-abcdef1234'],
  [Input.Regions, 'eu-west-1'],
  [Input.Date, '2026-11-01'],
  [Input.Database, 'audit'],
  [Input.Table, 'trail'],
  [Input.Catalog, 'AwsDataCatalog'],
  [Input.Workgroup, 'primary'],
  [Input.OutputLocation, 's3://results/x/']
]

const baseline = shape(inputsWith(Input.Table, 'cloudtrail_report'))

describe('no input value changes the shape of the SQL', () => {
  for (const [input, valid] of REACHES_SQL) {
    it(`${input}: rejected by name, or only inside a literal`, () => {
      const values = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ maxLength: 12 }).map((tail) => valid + tail),
        fc.string({ maxLength: 12 }).map((head) => head + valid),
        fc
          .constantFrom("'", "\\'", '"', '`', ';', '--', '/*', '\n', '${account}')
          .map((evil) => valid + evil)
      )
      fc.assert(
        fc.property(values, (value) => {
          let inputs: Inputs
          try {
            inputs = inputsWith(input, value)
          } catch (error) {
            return error instanceof InputError && error.input === input
          }
          return shape(inputs) === baseline
        }),
        { numRuns: 300 }
      )
    })
  }
})

describe('CSV writer', () => {
  it('round-trips any strings through a standard CSV parser', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 3, maxLength: 3 }), {
          maxLength: 20
        }),
        (rows) => {
          const text = csvDocument(['a', 'b', 'c'], rows)
          expect(parse(text, { relax_quotes: false })).toEqual([['a', 'b', 'c'], ...rows])
        }
      ),
      { numRuns: 300 }
    )
  })
})
