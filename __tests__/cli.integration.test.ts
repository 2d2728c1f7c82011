import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { CLI, NODE } from '../__fixtures__/runner.js'
import { Input, parseInputs } from '../src/inputs/inputs.js'
import { athenaSettings } from '../src/plan/plan.js'
import { coldRunStatements } from '../src/engine/athena/sql.js'

/** The bundled CLI, with an endpoint where nothing listens: any AWS call would fail the run. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(NODE, [CLI, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing'
    }
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('the CLI', () => {
  it('lists every option with its default', () => {
    const help = cli('--help')
    expect(help.status).toBe(0)
    for (const input of Object.values(Input)) expect(help.stdout).toContain(`--${input} VALUE`)
    expect(help.stdout).toContain('  --engine VALUE (default: athena)')
    expect(help.stdout).toContain('  --print-sql')
  })

  it('prints the statements of a cold run, each ending with ;, without calling AWS', () => {
    const args = [
      '--bucket',
      'trail-logs',
      '--account',
      '111122223333',
      '--regions',
      'us-east-1,eu-west-1',
      '--date',
      '2026-11-01',
      '--partitioning',
      'manual'
    ]
    const printed = cli(...args, '--print-sql')
    const given: Partial<Record<string, string>> = {}
    for (let i = 0; i < args.length; i += 2) given[(args[i] ?? '').slice(2)] = args[i + 1]
    const inputs = parseInputs((input) => given[input] ?? '', new Date())
    const statements = coldRunStatements(athenaSettings(inputs, ['us-east-1', 'eu-west-1']))
    expect(printed.status).toBe(0)
    expect(printed.stdout).toBe(statements.map((statement) => `${statement};\n\n`).join(''))
    expect(statements.map((statement) => statement.split('\n')[0])).toEqual([
      'CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`cloudtrail_report` (',
      'ALTER TABLE `default`.`cloudtrail_report` ADD IF NOT EXISTS',
      'WITH records AS ('
    ])
  })

  it('needs --regions to print SQL, since it makes no AWS call', () => {
    const printed = cli('--bucket', 'trail-logs', '--account', '111122223333', '--print-sql')
    expect(printed.status).toBe(2)
    expect(printed.stderr).toBe(
      'error: --regions is required with --print-sql, which makes no AWS call\n'
    )
  })

  it('exits 2 on a bad value, naming the option and the rule', () => {
    const bad = cli('--bucket', 'trail-logs', '--account', '12345')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toBe('error: --account must be 12-digit AWS account ids; got "12345"\n')
  })

  it('exits 2 on an unknown option, with the usage', () => {
    const bad = cli('--acount', '111122223333')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("Unknown option '--acount'")
    expect(bad.stderr).toContain('Usage: cloudtrail-athena-report')
  })
})
