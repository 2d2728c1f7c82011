import type { S3Client } from '@aws-sdk/client-s3'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { AggregateRow } from '../src/engine/aggregate.js'
import { scanLocally, type LocalEngineSettings } from '../src/engine/local/scan.js'
import { folderDays } from '../src/inputs/window.js'
import type { RunContext } from '../src/run/context.js'
import { dayFolderKey, type Layout } from '../src/plan/layout.js'
import type { Scan } from '../src/engine/scan.js'
import { recordingLog, type RecordingLog } from './log.js'

/**
 * Settings for the local engine over `logsDir`: one account, two regions, one day by event time, no rules;
 * `folderDays` follows the window and boundary given.
 */
export function localPlan(
  logsDir: string,
  overrides: Partial<LocalEngineSettings> = {}
): LocalEngineSettings {
  const window = overrides.window ?? { start: '2024-03-10', end: '2024-03-10' }
  const dayBoundary = overrides.dayBoundary ?? 'event-time'
  return {
    logs: { directory: logsDir },
    layout: { bucket: '', prefix: '', organizationId: '' },
    accounts: ['111122223333'],
    regions: ['eu-west-1', 'us-east-1'],
    window,
    dayBoundary,
    folderDays: folderDays(window, dayBoundary),
    dedupe: true,
    onBadFile: 'fail',
    rules: [],
    evidenceLimit: 100,
    ...overrides
  }
}

export interface LocalScan {
  readonly scan: Scan
  readonly rows: AggregateRow[]
  readonly log: RecordingLog
}

/**
 * Runs the local engine and collects its rows. Given an S3 client, it reads the plan's bucket
 * with it instead of the plan's directory.
 */
export async function scanDir(
  plan: LocalEngineSettings,
  {
    s3,
    log = recordingLog(),
    ...context
  }: Partial<RunContext> & { readonly s3?: S3Client; readonly log?: RecordingLog } = {}
): Promise<LocalScan> {
  const logs = s3 === undefined ? plan.logs : { bucket: plan.layout.bucket, s3 }
  const scan = await scanLocally(
    { ...plan, logs },
    {
      log,
      signal: new AbortController().signal,
      ...context
    }
  )
  const rows: AggregateRow[] = []
  for await (const row of scan.rows) rows.push(row)
  return { scan, rows, log }
}

/**
 * The local engine's `rules` column of each event it lists as evidence, by `eventID`: with an
 * evidence limit past the events of any row, every event that matched a rule.
 */
export async function rulesByEventId(plan: LocalEngineSettings): Promise<Map<string, string>> {
  const { rows } = await scanDir(plan)
  const rules = new Map<string, string>()
  for (const row of rows) for (const item of row.evidence) rules.set(item.eventid, row.rules)
  return rules
}

export function totalEvents(rows: readonly AggregateRow[]): number {
  return rows.reduce((sum, row) => sum + row.events, 0)
}

/** The events of the rows that match `where`, summed. */
export function eventsWhere(
  rows: readonly AggregateRow[],
  where: (row: AggregateRow) => boolean
): number {
  return totalEvents(rows.filter(where))
}

/**
 * Writes one log file with the given content into a day folder of `logsDir`, gzipped unless the
 * name ends in `.json`; returns its path.
 */
export async function writeLogFile(
  logsDir: string,
  where: { layout?: Layout; account: string; region: string; day: string },
  name: string,
  content: string | Uint8Array
): Promise<string> {
  const layout = where.layout ?? { bucket: '', prefix: '', organizationId: '' }
  const folder = join(logsDir, dayFolderKey(layout, where.account, where.region, where.day))
  await mkdir(folder, { recursive: true })
  const path = join(folder, name)
  const bytes = typeof content === 'string' ? Buffer.from(content) : content
  await writeFile(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes)
  return path
}
