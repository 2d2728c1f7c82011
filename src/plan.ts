import type { Engine, Inputs, OnBadFile, Partitioning } from './inputs.js'
import type { Layout } from './layout.js'
import { folderDays, type DayBoundary, type Window } from './window.js'

/** Where the Athena table lives. */
export interface TableRef {
  readonly catalog: string
  readonly database: string
  readonly table: string
}

/** What one run reads and how: the validated inputs with the regions resolved. */
export interface Plan {
  readonly engine: Engine
  readonly layout: Layout
  readonly logsDir: string
  readonly accounts: readonly string[]
  readonly regions: readonly string[]
  readonly window: Window
  readonly dayBoundary: DayBoundary
  /** The day folders to read, `YYYY-MM-DD`: the window, plus the next day by event time. */
  readonly folderDays: readonly string[]
  readonly dedupe: boolean
  readonly table: TableRef
  readonly partitioning: Partitioning
  readonly workgroup: string
  readonly outputLocation: string
  readonly queryTimeoutMs: number
  readonly onBadFile: OnBadFile
}

export function makePlan(inputs: Inputs, regions: readonly string[]): Plan {
  return {
    engine: inputs.engine,
    layout: { bucket: inputs.bucket, prefix: inputs.prefix, organizationId: inputs.organizationId },
    logsDir: inputs.logsDir,
    accounts: inputs.accounts,
    regions,
    window: inputs.window,
    dayBoundary: inputs.dayBoundary,
    folderDays: folderDays(inputs.window, inputs.dayBoundary),
    dedupe: inputs.dedupe,
    table: { catalog: inputs.catalog, database: inputs.database, table: inputs.table },
    partitioning: inputs.partitioning,
    workgroup: inputs.workgroup,
    outputLocation: inputs.outputLocation,
    queryTimeoutMs: inputs.queryTimeoutMinutes * 60_000,
    onBadFile: inputs.onBadFile
  }
}
