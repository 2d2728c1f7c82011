/**
 * `npm run bench`: the local engine against its peers, in one run, on the same files.
 *
 * Generates (once, cached in `.bench/`) a day of CloudTrail logs for one account in 8 regions,
 * then times, each in a child process whose peak memory GNU time measures:
 * - the local engine, through the built CLI (`dist/cli/index.js`), as a user runs it (built-in
 *   rules and evidence on), and without any rule (`--builtin-rules false`);
 * - DuckDB's `read_json` over the same day folders, computing the plain aggregate (without the
 *   rules), with `@duckdb/node-api`;
 * - the shell way: `zcat | jq | sort | uniq -c`, the recipe's four columns.
 * Then the scale series: the two engines on the same day for 4 and 16 accounts (the same
 * generator, more data of the same shape), to show how time and memory grow.
 *
 * `npm run bench -- --runs 7` repeats the engines (5 times by default) and takes the median; the
 * shell runs once.
 * `--scales 1,4` chooses the series' scales; `--scales ''` leaves the series out.
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
const FIRST_ACCOUNT = 123456789012
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
const FILES_PER_DAY = 875
const RECORDS_PER_FILE = 100
const GENERATOR_DIR = join(ROOT, 'scripts', 'generator')

/** Every file under `dir`, by path, in a stable order. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]
    )
}

/** The generator's own source is part of the cache key: a changed generator makes new data. */
const GENERATOR_HASH = filesUnder(GENERATOR_DIR)
  .reduce(
    (hash, file) => hash.update(file.slice(GENERATOR_DIR.length)).update(readFileSync(file)),
    createHash('sha256').update(JSON.stringify([FILES_PER_DAY, RECORDS_PER_FILE, REGIONS, DAY]))
  )
  .digest('hex')
  .slice(0, 12)
const LAYOUT = { bucket: '', prefix: '', organizationId: '' }

/**
 * The bench day at a scale: `scale` accounts, each with the same 8 regions and the same number of
 * delivery files as the first, so events, files and distinct events all grow `scale` times.
 */
interface Dataset {
  readonly scale: number
  readonly accounts: readonly string[]
  readonly dir: string
  /** By event time, as the report's default: the day's folder and the next day's. */
  readonly folders: readonly string[]
}

function dataset(scale: number): Dataset {
  const accounts = Array.from({ length: scale }, (_, i) => String(FIRST_ACCOUNT + i))
  const dir = join(ROOT, '.bench', `${scale}x-${GENERATOR_HASH}`)
  const days = folderDays({ start: DAY, end: DAY }, 'event-time')
  const folders = accounts.flatMap((account) =>
    REGIONS.flatMap((region) =>
      days.map((day) => join(dir, dayFolderKey(LAYOUT, account, region, day)))
    )
  )
  return { scale, accounts, dir, folders }
}

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

async function generated(data: Dataset): Promise<SampleFacts> {
  const factsFile = join(data.dir, 'facts.json')
  if (existsSync(factsFile)) return JSON.parse(await readFile(factsFile, 'utf8')) as SampleFacts
  process.stderr.write(
    `Generating the ${data.scale}× bench data in ${data.dir} (once; about ${data.scale} minute(s))…\n`
  )
  // Data of an older generator is of no more use.
  for (const entry of existsSync(join(ROOT, '.bench')) ? readdirSync(join(ROOT, '.bench')) : []) {
    if (/^\d+x-/.test(entry) && !entry.endsWith(GENERATOR_HASH)) {
      await rm(join(ROOT, '.bench', entry), { recursive: true, force: true })
    }
  }
  await rm(data.dir, { recursive: true, force: true })
  const options: SampleOptions = {
    seed: 1,
    accounts: data.accounts,
    regions: REGIONS,
    days: [DAY],
    filesPerDay: FILES_PER_DAY,
    recordsPerFile: RECORDS_PER_FILE
  }
  const facts = await generateSampleBucket(data.dir, options)
  await writeFile(factsFile, JSON.stringify(facts))
  return facts
}

/** The same aggregate as the engines, in DuckDB SQL, over exactly the day folders read. */
function duckdbScript(data: Dataset): string {
  const globs = data.folders.map((folder) => `'${folder}/*.json.gz'`).join(', ')
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

function shellPipeline(data: Dataset): string {
  const filter = `.Records[] | select((.eventTime // "") | startswith("${DAY}")) | [.awsRegion, .eventSource, .eventName, .eventTime[0:10]] | @tsv`
  return `find ${data.folders.map((folder) => `'${folder}'`).join(' ')} -name '*.json.gz' -print0 2>/dev/null | xargs -0 zcat | jq -r '${filter}' | sort | uniq -c | awk '{ total += $1 } END { print total }'`
}

/**
 * The local engine through the built CLI, as a user runs it: built-in rules and evidence on, or
 * with `rules: false` none at all (the plain aggregate, as DuckDB computes it).
 */
async function local(data: Dataset, reportDir: string, rules = true): Promise<Measure> {
  return measure(process.execPath, [
    CLI,
    ...['--engine', 'local', '--logs-dir', data.dir, '--account', data.accounts.join(',')],
    ...['--regions', REGIONS.join(','), '--date', DAY, '--out', reportDir],
    ...(rules ? [] : ['--builtin-rules', 'false'])
  ])
}

const duckdb = (data: Dataset): Promise<Measure> =>
  measure(process.execPath, ['--input-type=module', '-e', duckdbScript(data)])

/** The events the local engine counted: the sum of `events.csv`'s last column. */
async function localTotal(reportDir: string): Promise<number> {
  return (await readFile(join(reportDir, 'events.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .reduce((sum, line) => sum + Number(line.split(',').at(-1)?.replaceAll('"', '')), 0)
}

function checkTotals(data: Dataset, localCount: number, duckdbCount: number): void {
  if (localCount !== duckdbCount) {
    throw new Error(
      `At ${data.scale}×, the local engine counted ${localCount} events and DuckDB ${duckdbCount}`
    )
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** Every tool reads the files from the page cache, none from the disk. */
function warm(data: Dataset): void {
  spawnSync('sh', ['-c', `find '${data.dir}' -name '*.json.gz' -print0 | xargs -0 cat > /dev/null`])
}

const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`

/** The three tools side by side on the 1× day, the engines `runs` times each (their median). */
async function sideBySide(runs: number, reportDir: string): Promise<string[]> {
  const data = dataset(1)
  const facts = await generated(data)
  const records = folderDays({ start: DAY, end: DAY }, 'event-time').reduce(
    (sum, day) => sum + (facts.recordsByFolderDay[day] ?? 0),
    0
  )
  warm(data)
  const localRuns: Measure[] = []
  const plainRuns: Measure[] = []
  const duckdbRuns: Measure[] = []
  let plainCount = 0
  for (let run = 0; run < runs; run++) {
    process.stderr.write(`Run ${run + 1} of ${runs}: local engine, without rules, DuckDB…\n`)
    plainRuns.push(await local(data, reportDir, false))
    plainCount = await localTotal(reportDir)
    localRuns.push(await local(data, reportDir))
    duckdbRuns.push(await duckdb(data))
  }
  process.stderr.write('The shell pipeline (slow)…\n')
  const shell = await measure('sh', ['-c', shellPipeline(data)])
  const localCount = await localTotal(reportDir)
  const duckdbCount = Number(duckdbRuns.at(-1)?.stdout.trim())
  checkTotals(data, localCount, duckdbCount)
  checkTotals(data, plainCount, duckdbCount)

  const rows = [
    ['local engine (`node dist/cli/index.js --engine local`)', localRuns, localCount, 'yes'],
    ['local engine without rules (`--builtin-rules false`)', plainRuns, plainCount, 'yes'],
    ['DuckDB `read_json` (@duckdb/node-api)', duckdbRuns, duckdbCount, 'yes'],
    // Pipes escaped: the name sits in a markdown table.
    ['`zcat \\| jq \\| sort \\| uniq -c`', [shell], Number(shell.stdout.trim()), 'no']
  ] as const
  const localSeconds = median(localRuns.map((m) => m.seconds))
  const localRss = median(localRuns.map((m) => m.peakRssKiB))
  const cpus = (await readFile('/proc/cpuinfo', 'utf8'))
    .split('\n')
    .filter((line) => line.startsWith('processor')).length
  return [
    `Data: ${formatCount(facts.logFiles)} gzip files of one day (${DAY}) for 1 account in ${REGIONS.length} regions, ` +
      `${(facts.jsonBytes / 1e9).toFixed(2)} GB of JSON; ${formatCount(records)} records in the ${data.folders.length} folders read ` +
      `(the day's and the next day's, by event time). Median of ${runs} runs for the engines, one for the shell. ` +
      `Machine: ${cpus} CPUs, Node ${process.version}.`,
    '',
    '| tool | wall time | records/s | peak RSS | time vs local | RSS vs local | events counted | dedupe |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(([name, measures, total, dedupe]) => {
      const seconds = median(measures.map((m) => m.seconds))
      const rss = median(measures.map((m) => m.peakRssKiB))
      return `| ${name} | ${seconds.toFixed(2)} s | ${formatCount(Math.round(records / seconds))} | ${mib(rss)} | ${(seconds / localSeconds).toFixed(2)}× | ${(rss / localRss).toFixed(2)}× | ${formatCount(total)} | ${dedupe} |`
    })
  ]
}

/**
 * The two engines once each at every scale: wall time and peak RSS, and the local engine's peak
 * RSS per million distinct events (the `eventID`s of every file read) and its growth per million
 * more from the scale before, which tells what each added event costs apart from the fixed
 * baseline (the runtime, the threads and their buffers).
 */
async function scaleSeries(scales: readonly number[], reportDir: string): Promise<string[]> {
  const rows: string[] = []
  let previous: { rss: number; distinct: number } | undefined
  for (const scale of scales) {
    const data = dataset(scale)
    const facts = await generated(data)
    warm(data)
    process.stderr.write(`Scale ${scale}×: local engine, DuckDB…\n`)
    const localRun = await local(data, reportDir)
    const duckdbRun = await duckdb(data)
    checkTotals(data, await localTotal(reportDir), Number(duckdbRun.stdout.trim()))
    const distinct = facts.records - facts.duplicateRecords
    const growth =
      previous === undefined
        ? ''
        : `${((localRun.peakRssKiB - previous.rss) / 1024 / ((distinct - previous.distinct) / 1e6)).toFixed(0)} MiB`
    previous = { rss: localRun.peakRssKiB, distinct }
    rows.push(
      `| ${scale}× | ${data.accounts.length} | ${formatCount(facts.logFiles)} | ${(facts.jsonBytes / 1e9).toFixed(2)} GB | ${formatCount(distinct)} | ` +
        `${localRun.seconds.toFixed(2)} s | ${mib(localRun.peakRssKiB)} | ${(localRun.peakRssKiB / 1024 / (distinct / 1e6)).toFixed(0)} MiB | ${growth} | ` +
        `${duckdbRun.seconds.toFixed(2)} s | ${mib(duckdbRun.peakRssKiB)} |`
    )
  }
  return [
    `Scale series: the same day for 1 to ${Math.max(...scales)} accounts of ${REGIONS.length} regions each, one run of each engine.`,
    '',
    '| scale | accounts | gzip files | JSON | distinct events | local time | local peak RSS | local RSS per million distinct events | local RSS growth per million more | DuckDB time | DuckDB peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows
  ]
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      // Five: on a shared 2-core runner, one run of the same engine on the same files varies by
      // a tenth or more either way; the median of three still moved the ratio by as much.
      runs: { type: 'string', default: '5' },
      scales: { type: 'string', default: '1,4,16' }
    }
  })
  const runs = Number(values.runs)
  const scales = values.scales === '' ? [] : values.scales.split(',').map(Number)
  if (!Number.isInteger(runs) || runs < 1 || scales.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error('--runs takes a whole number of runs, --scales whole scales such as 1,4,16')
  }
  if (!existsSync(TIME)) {
    throw new Error(
      `${TIME} (GNU time) measures peak memory: install it with 'apt-get install time'`
    )
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run bundle' first`)
  const reportDir = join(ROOT, '.bench', 'report')
  await mkdir(reportDir, { recursive: true })
  const lines = await sideBySide(runs, reportDir)
  if (scales.length > 0) lines.push('', ...(await scaleSeries(scales, reportDir)))
  process.stdout.write(`${lines.join('\n')}\n`)
}

await main()
