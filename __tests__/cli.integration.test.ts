import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { CLI, NODE } from '../__fixtures__/runner.js'
import { INPUTS } from '../src/inputs/definitions.js'
import { DEFAULTS, Input, parseInputs } from '../src/inputs/inputs.js'

const ACTION_YML = new URL('../action.yml', import.meta.url)
interface ActionYml {
  inputs: Record<string, { description: string }>
}
import { athenaSettings } from '../src/plan/plan.js'
import { coldRunStatements } from '../src/engine/athena/sql.js'
import { BUILTIN_RULES } from '../__fixtures__/rule.js'

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
  it("lists every option with the values it takes, its default and action.yml's description", () => {
    const help = cli('--help')
    expect(help.status).toBe(0)
    // Each option: a heading line, then its description wrapped on lines indented by six spaces.
    const options = new Map<string, string>()
    for (const [, heading = '', text = ''] of help.stdout.matchAll(
      /^ {2}(-\S.*)\n((?: {6}.*\n)+)/gm
    )) {
      options.set(heading, text.replace(/\n {6}/g, ' ').trim())
    }
    const declared = parse(readFileSync(ACTION_YML, 'utf8')) as ActionYml
    for (const input of Object.values(Input)) {
      const fallback = DEFAULTS[input] === '' ? '' : ` (default: ${DEFAULTS[input]})`
      const heading = `--${input} ${INPUTS[input].values}${fallback}`
      expect(options.get(heading), heading).toBe(declared.inputs[input]?.description)
    }
    expect(options.get('--engine athena|local (default: athena)')).toBe(
      '`athena` runs one query in your account; `local` reads the log files itself, from the bucket or from `logs-dir`.'
    )
    expect(options.get('--retention-days 1-400')).toMatch(/^Days to keep the artifact \(1-400\)/)
    expect(options.get('--print-sql')).toBe(
      'Print the Athena statements a cold run issues, the rules of the run included, and exit without calling AWS (needs --regions).'
    )
    for (const line of help.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100)
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
    const statements = coldRunStatements(
      athenaSettings(inputs, ['us-east-1', 'eu-west-1'], BUILTIN_RULES)
    )
    expect(printed.status).toBe(0)
    expect(printed.stdout).toBe(statements.map((statement) => `${statement};\n\n`).join(''))
    expect(statements.map((statement) => statement.split('\n')[0])).toEqual([
      'CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`cloudtrail_report` (',
      'ALTER TABLE `default`.`cloudtrail_report` ADD IF NOT EXISTS',
      'WITH records AS ('
    ])
  })

  it('prints the query with the rules of the run: the files given, without the built-in ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-rules-'))
    writeFileSync(
      join(dir, 'trail-stopped.yml'),
      [
        'title: Trail stopped',
        'id: 5f1e0c3a-0000-4000-8000-000000000009',
        'name: trail-stopped',
        'level: high',
        'logsource:',
        '  product: aws',
        '  service: cloudtrail',
        'detection:',
        '  selection:',
        '    eventName: StopLogging',
        '  condition: selection',
        ''
      ].join('\n')
    )
    const printed = cli(
      ...['--bucket', 'trail-logs', '--account', '111122223333', '--regions', 'us-east-1'],
      ...['--rules', join(dir, 'trail-stopped.yml'), '--builtin-rules', 'false', '--print-sql']
    )
    expect(printed.status, printed.stderr).toBe(0)
    expect(printed.stdout).toContain(
      "    array_join(ARRAY[\n      CASE WHEN coalesce(lower(eventname) = 'stoplogging', false) THEN 'trail-stopped' END\n    ], ' ') AS rules,\n"
    )
    expect(printed.stdout).not.toContain("'root-activity'")
    rmSync(dir, { recursive: true })
  })

  it('exits 2 on a rule file that is not a Sigma rule, naming the file and the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-rules-'))
    writeFileSync(join(dir, 'broken.yml'), 'title: Broken\ndetection: [\n')
    const printed = cli(
      ...['--bucket', 'trail-logs', '--account', '111122223333', '--regions', 'us-east-1'],
      ...['--rules', join(dir, 'broken.yml'), '--print-sql']
    )
    expect(printed.status).toBe(2)
    expect(printed.stderr).toMatch(
      new RegExp(
        `^error: --rules has a file that is not a Sigma rule: ${join(dir, 'broken.yml')}:\\d+: `
      )
    )
    rmSync(dir, { recursive: true })
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
