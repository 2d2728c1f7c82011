import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { AggregateRow } from '../src/aggregate.js'
import { scanLocally } from '../src/engine/local.js'
import { dayFolderKey, type Layout } from '../src/layout.js'
import type { Plan } from '../src/plan.js'
import type { Scan } from '../src/scan.js'
import { athenaPlan } from './plan.js'
import { recordingLog, type RecordingLog } from './log.js'

/** A plan for the local engine over `logsDir`; `folderDays` follows the window and boundary. */
export function localPlan(logsDir: string, overrides: Partial<Plan> = {}): Plan {
  return athenaPlan({
    engine: 'local',
    logsDir,
    layout: { bucket: '', prefix: '', organizationId: '' },
    ...overrides
  })
}

export interface LocalScan {
  readonly scan: Scan
  readonly rows: AggregateRow[]
  readonly log: RecordingLog
}

/** Runs the local engine and collects its rows. */
export async function scanDir(
  plan: Plan,
  context: Partial<Parameters<typeof scanLocally>[1]> = {}
): Promise<LocalScan> {
  const log = recordingLog()
  const scan = await scanLocally(plan, {
    s3: undefined,
    log,
    signal: new AbortController().signal,
    ...context
  })
  const rows: AggregateRow[] = []
  for await (const row of scan.rows) rows.push(row)
  return { scan, rows, log }
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
