/**
 * `npm run bench`: the local engine against its peers, in one run, on the same files.
 *
 * Generates (once, cached in `.bench/`) a day of CloudTrail logs for one account in 8 regions,
 * then times, each in a child process whose peak memory GNU time measures:
 * - the local engine, through the built CLI (`dist/cli/index.js`), as a user runs it;
 * - DuckDB's `read_json` over the same day folders, computing the plain aggregate (without the
 *   rules), with `@duckdb/node-api`;
 * - the shell way: `zcat | jq | sort | uniq -c`, the recipe's four columns.
 *
 * `npm run bench -- --runs 5` repeats the two engines and takes the median; the shell runs once.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { dayFolderKey } from '../src/plan/layout.js'
import { formatCount } from '../src/format.js'
import { generateSampleBucket, type SampleFacts, type SampleOptions } from './generator/bucket.js'
import { folderDays } from '../src/inputs/window.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'dist', 'cli', 'index.js')
const TIME = '/usr/bin/time'
const DAY = '2025-06-01'
const ACCOUNT = '123456789012'
const REGIONS = [
  'ap-northeast-1',
  'ap-southeast-2',
  'eu-central-1',
  'eu-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2'
]
const SAMPLE: SampleOptions = {
  seed: 1,
  accounts: [ACCOUNT],
  regions: REGIONS,
  days: [DAY],
  filesPerDay: 875,
  recordsPerFile: 100
}
/** The generator's own source is part of the cache key: a changed generator makes new data. */
const GENERATOR_HASH = createHash('sha256')
  .update(JSON.stringify(SAMPLE))
  .update(
    readdirSync(join(ROOT, 'scripts', 'generator'))
      .sort()
      .map((name) => readFileSync(join(ROOT, 'scripts', 'generator', name), 'utf8'))
      .join('\n')
  )
  .digest('hex')
  .slice(0, 12)
const DATA_DIR = join(ROOT, '.bench', `day-${GENERATOR_HASH}`)
const FACTS_FILE = join(DATA_DIR, 'facts.json')
const LAYOUT = { bucket: '', prefix: '', organizationId: '' }
/** By event time, as the report's default: the day's folder and the next day's. */
const FOLDERS = REGIONS.flatMap((region) =>
  folderDays({ start: DAY, end: DAY }, 'event-time').map((day) =>
    join(DATA_DIR, dayFolderKey(LAYOUT, ACCOUNT, region, day))
  )
)

interface Measure {
  readonly seconds: number
  readonly peakRssKiB: number
  readonly stdout: string
}

/** Runs a command under GNU time, which reports the largest resident set of the process tree's members. */
async function measure(command: string, args: readonly string[], cwd = ROOT): Promise<Measure> {
  const child = spawn(TIME, ['-f', '%e %M', command, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const last = stderr.trim().split('\n').at(-1) ?? ''
  const [seconds, kib] = last.split(' ').map(Number)
  if (code !== 0 || seconds === undefined || kib === undefined || Number.isNaN(seconds)) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${stderr.slice(-2000)}`)
  }
  return { seconds, peakRssKiB: kib, stdout }
}

async function bucket(): Promise<SampleFacts> {
  if (existsSync(FACTS_FILE)) return JSON.parse(await readFile(FACTS_FILE, 'utf8')) as SampleFacts
  process.stderr.write(`Generating the bench data in ${DATA_DIR} (once; about a minute)…\n`)
  // Data of an older generator is of no more use.
  await rm(join(ROOT, '.bench'), { recursive: true, force: true })
  const facts = await generateSampleBucket(DATA_DIR, SAMPLE)
  await writeFile(FACTS_FILE, JSON.stringify(facts))
  return facts
}

/** The same aggregate as the engines, in DuckDB SQL, over exactly the day folders read. */
function duckdbScript(): string {
  const globs = FOLDERS.map((folder) => `'${folder}/*.json.gz'`).join(', ')
  const record = `STRUCT(
    eventID VARCHAR, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR,
    errorCode VARCHAR, recipientAccountId VARCHAR,
    userIdentity STRUCT(type VARCHAR, arn VARCHAR, invokedBy VARCHAR, accountId VARCHAR,
      sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR))))[]`
  const sql = `
    WITH records AS (
      SELECT unnest(Records) AS r
      FROM read_json([${globs}], format = 'auto', maximum_object_size = 1073741824,
                     columns = {Records: '${record}'})
    ), keyed AS (
      SELECT coalesce(r.recipientAccountId, '') AS account, coalesce(r.awsRegion, '') AS region,
        coalesce(r.eventSource, '') AS eventsource, coalesce(r.eventName, '') AS eventname,
        coalesce(strftime(try_cast(r.eventTime AS TIMESTAMPTZ) AT TIME ZONE 'UTC', '%Y-%m-%d'), '') AS eventdate,
        coalesce(r.errorCode, '') AS errorcode, coalesce(r.userIdentity.type, '') AS identitytype,
        coalesce(CASE WHEN r.userIdentity.type = 'AssumedRole'
                      THEN nullif(r.userIdentity.sessionContext.sessionIssuer.arn, '') END,
                 nullif(r.userIdentity.arn, ''), nullif(r.userIdentity.invokedBy, ''),
                 nullif(r.userIdentity.accountId, ''), '') AS principal,
        r.eventID AS eventid
      FROM records
    )
    SELECT sum(events)::BIGINT AS total, count(*) AS keys FROM (
      SELECT count(DISTINCT nullif(eventid, '')) + count_if(nullif(eventid, '') IS NULL) AS events
      FROM keyed WHERE eventdate = '${DAY}'
      GROUP BY account, region, eventsource, eventname, eventdate, errorcode, identitytype, principal
    )`
  return `
    import { DuckDBInstance } from '@duckdb/node-api'
    const db = await DuckDBInstance.create(':memory:')
    const connection = await db.connect()
    const reader = await connection.runAndReadAll(${JSON.stringify(sql)})
    const [total] = reader.getRows()[0]
    console.log(String(total))`
}

function shellPipeline(): string {
  const filter = `.Records[] | select((.eventTime // "") | startswith("${DAY}")) | [.awsRegion, .eventSource, .eventName, .eventTime[0:10]] | @tsv`
  return `find ${FOLDERS.map((folder) => `'${folder}'`).join(' ')} -name '*.json.gz' -print0 2>/dev/null | xargs -0 zcat | jq -r '${filter}' | sort | uniq -c | awk '{ total += $1 } END { print total }'`
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } })
  const runs = Number(values.runs)
  if (!existsSync(TIME)) {
    throw new Error(
      `${TIME} (GNU time) measures peak memory: install it with 'apt-get install time'`
    )
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run bundle' first`)
  const facts = await bucket()
  const records = folderDays({ start: DAY, end: DAY }, 'event-time').reduce(
    (sum, day) => sum + (facts.recordsByFolderDay[day] ?? 0),
    0
  )
  // Every tool reads the files from the page cache, none from the disk.
  spawnSync('sh', ['-c', `find '${DATA_DIR}' -name '*.json.gz' -print0 | xargs -0 cat > /dev/null`])

  const reportDir = join(ROOT, '.bench', 'report')
  await mkdir(reportDir, { recursive: true })
  const local: Measure[] = []
  const duckdb: Measure[] = []
  for (let run = 0; run < runs; run++) {
    process.stderr.write(`Run ${run + 1} of ${runs}: local engine, DuckDB…\n`)
    local.push(
      await measure(process.execPath, [
        CLI,
        '--engine',
        'local',
        '--logs-dir',
        DATA_DIR,
        '--account',
        ACCOUNT,
        '--regions',
        REGIONS.join(','),
        '--date',
        DAY,
        '--out',
        reportDir
      ])
    )
    duckdb.push(await measure(process.execPath, ['--input-type=module', '-e', duckdbScript()]))
  }
  process.stderr.write('The shell pipeline (slow)…\n')
  const shell = await measure('sh', ['-c', shellPipeline()])

  const localTotal = (await readFile(join(reportDir, 'events.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .reduce((sum, line) => sum + Number(line.split(',').at(-1)?.replaceAll('"', '')), 0)
  const duckdbTotal = Number(duckdb.at(-1)?.stdout.trim())
  const shellTotal = Number(shell.stdout.trim())

  const rows = [
    ['local engine (`node dist/cli/index.js --engine local`)', local, localTotal, 'yes'],
    ['DuckDB `read_json` (@duckdb/node-api)', duckdb, duckdbTotal, 'yes'],
    // Pipes escaped: the name sits in a markdown table.
    ['`zcat \\| jq \\| sort \\| uniq -c`', [shell], shellTotal, 'no']
  ] as const
  const localSeconds = median(local.map((m) => m.seconds))
  const localRss = median(local.map((m) => m.peakRssKiB))
  const lines = [
    `Data: ${formatCount(facts.logFiles)} gzip files of one day (${DAY}) for 1 account in ${REGIONS.length} regions, ` +
      `${(facts.jsonBytes / 1e9).toFixed(2)} GB of JSON; ${formatCount(records)} records in the ${FOLDERS.length} folders read ` +
      `(the day's and the next day's, by event time). Median of ${runs} runs for the engines, one for the shell. ` +
      `Machine: ${(await readFile('/proc/cpuinfo', 'utf8')).split('\n').filter((line) => line.startsWith('processor')).length} CPUs, Node ${process.version}.`,
    '',
    '| tool | wall time | records/s | peak RSS | time vs local | RSS vs local | events counted | dedupe |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(([name, measures, total, dedupe]) => {
      const seconds = median(measures.map((m) => m.seconds))
      const rss = median(measures.map((m) => m.peakRssKiB))
      return `| ${name} | ${seconds.toFixed(2)} s | ${formatCount(Math.round(records / seconds))} | ${(rss / 1024).toFixed(0)} MiB | ${(seconds / localSeconds).toFixed(2)}× | ${(rss / localRss).toFixed(2)}× | ${formatCount(total)} | ${dedupe} |`
    })
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (localTotal !== duckdbTotal) {
    throw new Error(`The local engine counted ${localTotal} events and DuckDB ${duckdbTotal}`)
  }
}

await main()
