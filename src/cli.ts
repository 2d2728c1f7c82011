import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { awsClientsOnDemand } from './run/aws.js'
import { failOnMessage } from './reports/fail-on.js'
import { INPUTS } from './inputs/definitions.js'
import { DEFAULTS, Input, parseInputs } from './inputs/inputs.js'
import type { Log } from './run/log.js'
import { athenaSettings } from './plan/plan.js'
import { makeReport } from './pipeline.js'
import { loadRunRules } from './plan/rules.js'
import { loadRunSuppressions } from './plan/suppressions.js'
import { scanRules } from './rules/suppressions.js'
import { notAllowedMessage } from './reports/permissions/report.js'
import { coldRunStatements } from './engine/athena/sql.js'
import { InputError } from './inputs/validation.js'

/** Options the CLI has beyond the action's inputs. */
const CLI_ONLY = {
  out: { type: 'string', default: 'cloudtrail-report' },
  'print-sql': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false }
} as const

const inputOptions = Object.fromEntries(
  Object.values(Input).map((input) => [input, { type: 'string' as const }])
) as Record<Input, { type: 'string' }>

const EXIT_FAILURE = 1
const EXIT_USAGE = 2

let cancelled = false

/** The CLI's own options, described as the inputs are. */
const CLI_ONLY_HELP = [
  ['--out DIR (default: cloudtrail-report)', 'Where the report files are written.'],
  [
    '--print-sql',
    'Print the Athena statements a cold run issues, the rules of the run included, and exit without calling AWS (needs --regions).'
  ],
  ['-h, --help', 'Show this help.']
] as const

const HELP_WIDTH = 100
const HELP_INDENT = '      '

function usage(): string {
  const option = (heading: string, description: string): string =>
    `  ${heading}\n${wrap(description, HELP_WIDTH - HELP_INDENT.length)
      .map((line) => `${HELP_INDENT}${line}`)
      .join('\n')}`
  const inputs = Object.values(Input).map((input) => {
    const { values, description } = INPUTS[input]
    const fallback = DEFAULTS[input] === '' ? '' : ` (default: ${DEFAULTS[input]})`
    return option(`--${input} ${values}${fallback}`, description)
  })
  return [
    'Usage: cloudtrail-athena-report --bucket B --account A [--date D] [options]',
    '       cloudtrail-athena-report --engine local --logs-dir DIR --account A [options]',
    '',
    "Options (the action's inputs, in --kebab-case, described as in action.yml):",
    ...inputs,
    ...CLI_ONLY_HELP.map(([heading, description]) => option(heading, description)),
    '',
    'The summary goes to stdout, progress to stderr. Exit code 1 on failure, 2 on bad arguments.'
  ].join('\n')
}

/** `text` in lines of at most `width` characters, broken between words. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  return [...lines, line]
}

const stderrLog: Log = {
  info: (message) => process.stderr.write(`${message}\n`),
  warning: (message) => process.stderr.write(`warning: ${message}\n`),
  debug: (message) => {
    if (process.env.RUNNER_DEBUG === '1') process.stderr.write(`debug: ${message}\n`)
  },
  group: async (name, work) => {
    process.stderr.write(`${name}\n`)
    return work()
  }
}

async function main(argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: { ...inputOptions, ...CLI_ONLY },
      allowPositionals: false,
      strict: true
    }).values
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage()}\n`)
    return EXIT_USAGE
  }
  if (values.help) {
    process.stdout.write(`${usage()}\n`)
    return 0
  }
  const option = (input: Input): string => {
    const value = values[input]
    return typeof value === 'string' ? value : DEFAULTS[input]
  }

  try {
    // An option not given takes the action's default, the artifact name included (the CLI uploads
    // no artifact, but the name is validated the same way).
    const inputs = parseInputs(option, new Date())
    if (values['print-sql']) {
      if (inputs.regions === undefined) {
        throw new InputError(Input.Regions, 'is required with --print-sql, which makes no AWS call')
      }
      const { rules } = await loadRunRules(inputs, process.cwd(), stderrLog)
      const suppressions = await loadRunSuppressions(inputs, process.cwd(), rules, stderrLog)
      const settings = athenaSettings(
        inputs,
        inputs.regions,
        scanRules(rules, suppressions?.active ?? [])
      )
      for (const statement of coldRunStatements(settings)) {
        process.stdout.write(`${statement};\n\n`)
      }
      return 0
    }

    // The first signal stops a running query before exiting. A second must not cut that short: a
    // cancelled workflow step sends SIGINT, then SIGTERM. A third exits at once. The handlers stay
    // installed throughout, since removing them races with a signal already on its way.
    const cancel = new AbortController()
    let signalsSeen = 0
    const onSignal = (signal: NodeJS.Signals): void => {
      signalsSeen++
      cancelled = true
      if (signalsSeen === 1) {
        cancel.abort(new Error(`Cancelled by ${signal}`))
      } else if (signalsSeen === 2) {
        process.stderr.write(
          `${signal} again: still stopping (a running Athena query is stopped first); send it once more to exit at once\n`
        )
      } else {
        process.exit(EXIT_FAILURE)
      }
    }
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, onSignal)
    const aws = awsClientsOnDemand(process.env)
    const report = await makeReport(inputs, {
      log: stderrLog,
      aws: () => aws(stderrLog),
      reportDir: resolve(values.out),
      workspace: process.cwd(),
      signal: cancel.signal
    })
    process.stdout.write(report.markdown)
    process.stderr.write(`\nReport written to ${report.reportDir} (events: ${report.csvPath})\n`)
    const failures = [
      report.run.failOn !== undefined && report.run.failOn.flagged > 0
        ? failOnMessage(report.run.failOn)
        : undefined,
      notAllowedMessage(report.reports.permissions)
    ].filter((message) => message !== undefined)
    for (const message of failures) process.stderr.write(`error: ${message}\n`)
    return failures.length > 0 ? EXIT_FAILURE : 0
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`error: --${error.input} ${error.detail}\n`)
      return EXIT_USAGE
    }
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return EXIT_FAILURE
  }
}

const code = await main(process.argv.slice(2))
// After a cancellation, more signals may still be on their way; exiting now, with the failure
// already reported, keeps one arriving during Node's teardown from ending the CLI by signal.
if (cancelled) process.exit(code)
process.exitCode = code
