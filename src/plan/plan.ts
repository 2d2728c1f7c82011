import type { Inputs, OnBadFile, Partitioning } from '../inputs/inputs.js'
import { folderDays, type DayBoundary, type Window } from '../inputs/window.js'
import type { Rule } from '../rules/rule.js'
import type { Layout } from './layout.js'

/** Where the Athena table lives. */
export interface TableRef {
  readonly catalog: string
  readonly database: string
  readonly table: string
}

/** What a run reads and counts, the same whichever engine reads it. */
export interface Scope {
  readonly layout: Layout
  readonly accounts: readonly string[]
  readonly regions: readonly string[]
  readonly window: Window
  readonly dayBoundary: DayBoundary
  /** The day folders to read, `YYYY-MM-DD`: the window, plus the next day by event time. */
  readonly folderDays: readonly string[]
  readonly dedupe: boolean
  /**
   * The rules to run, by key in ascending code point order, the suppressions compiled in
   * (`scanRules`: a suppressed rule's events come out as `key~N`).
   */
  readonly rules: readonly Rule[]
  /** Evidence kept per aggregate row (and listed per rule): the earliest events; 0 for none. */
  readonly evidenceLimit: number
}

/** What the Athena engine needs beyond the scope: its table, workgroup and limits. */
export interface AthenaSettings extends Scope {
  readonly table: TableRef
  readonly partitioning: Partitioning
  readonly workgroup: string
  readonly outputLocation: string
  readonly queryTimeoutMs: number
  /** Minutes an identical earlier result may be old to be reused; 0: never. */
  readonly resultReuseMinutes: number
  /** Whether to list the window's files for archive storage classes, which Athena skips. */
  readonly checkArchived: boolean
}

/** Where the local engine finds the log files: a directory laid out like the bucket, or the bucket. */
export type LogLocation = { readonly directory: string } | { readonly bucket: string }

/** What the local engine needs beyond the scope: where the files are, and what to do with a bad one. */
export interface LocalSettings extends Scope {
  readonly logs: LogLocation
  readonly onBadFile: OnBadFile
}

/** One run: the engine chosen by the inputs, with its own settings. */
export type Plan =
  ({ readonly engine: 'athena' } & AthenaSettings) | ({ readonly engine: 'local' } & LocalSettings)

export function scopeOf(inputs: Inputs, regions: readonly string[], rules: readonly Rule[]): Scope {
  return {
    layout: { bucket: inputs.bucket, prefix: inputs.prefix, organizationId: inputs.organizationId },
    accounts: inputs.accounts,
    regions,
    window: inputs.window,
    dayBoundary: inputs.dayBoundary,
    folderDays: folderDays(inputs.window, inputs.dayBoundary),
    dedupe: inputs.dedupe,
    rules,
    evidenceLimit: inputs.evidenceLimit
  }
}

/** The Athena settings of the inputs, whichever engine they choose (`--print-sql` shows them). */
export function athenaSettings(
  inputs: Inputs,
  regions: readonly string[],
  rules: readonly Rule[]
): AthenaSettings {
  return {
    ...scopeOf(inputs, regions, rules),
    table: { catalog: inputs.catalog, database: inputs.database, table: inputs.table },
    partitioning: inputs.partitioning,
    workgroup: inputs.workgroup,
    outputLocation: inputs.outputLocation,
    queryTimeoutMs: inputs.queryTimeoutMinutes * 60_000,
    resultReuseMinutes: inputs.resultReuseMinutes,
    checkArchived: inputs.checkArchived
  }
}

export function makePlan(inputs: Inputs, regions: readonly string[], rules: readonly Rule[]): Plan {
  if (inputs.engine === 'athena') {
    return { engine: 'athena', ...athenaSettings(inputs, regions, rules) }
  }
  return {
    engine: 'local',
    ...scopeOf(inputs, regions, rules),
    logs: inputs.logsDir === '' ? { bucket: inputs.bucket } : { directory: inputs.logsDir },
    onBadFile: inputs.onBadFile
  }
}
