/**
 * `npm start`: a first report with no AWS account. Generates a small sample bucket in `sample/`
 * (git-ignored) and runs the built CLI on it with the local engine.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateSampleBucket } from './generator/bucket.js'
import { addDays, yesterday } from '../src/inputs/window.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'dist', 'cli', 'index.js')
const BUCKET_DIR = join(ROOT, 'sample', 'bucket')
const REPORT_DIR = join(ROOT, 'sample', 'report')
const ACCOUNTS = ['111122223333', '444455556666']
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2']

if (!existsSync(CLI)) {
  process.stderr.write(`${CLI} is missing: build it with 'npm run bundle' first.\n`)
  process.exit(1)
}

// Yesterday and the day before, so the report has the CLI's default window, with its late
// deliveries in today's folder.
const day = yesterday(new Date())
await rm(BUCKET_DIR, { recursive: true, force: true })
const facts = await generateSampleBucket(BUCKET_DIR, {
  seed: 2026,
  accounts: ACCOUNTS,
  regions: REGIONS,
  days: [addDays(day, -1), day],
  filesPerDay: 24,
  recordsPerFile: 25
})
process.stderr.write(
  `Generated a sample bucket in sample/bucket: ${facts.logFiles} log files, ${facts.records} records, ` +
    `${ACCOUNTS.length} accounts, ${REGIONS.length} regions.\n\n`
)

const args = [
  CLI,
  '--engine',
  'local',
  '--logs-dir',
  BUCKET_DIR,
  '--account',
  ACCOUNTS.join(','),
  '--date',
  day,
  '--out',
  REPORT_DIR
]
process.stderr.write(`$ node ${args.map((arg) => arg.replace(`${ROOT}`, '')).join(' ')}\n\n`)
const cli = spawnSync(process.execPath, args, { stdio: 'inherit' })
process.exitCode = cli.status ?? 1
