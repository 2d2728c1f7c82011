import type { AthenaSettings } from '../src/plan/plan.js'
import { folderDays } from '../src/inputs/window.js'

/**
 * Settings for the Athena engine: one account, two regions, one day by event time, projection, no rules.
 * `folderDays` follows the window and day boundary given, as `makePlan` computes it.
 */
export function athenaPlan(overrides: Partial<AthenaSettings> = {}): AthenaSettings {
  const window = overrides.window ?? { start: '2024-03-10', end: '2024-03-10' }
  const dayBoundary = overrides.dayBoundary ?? 'event-time'
  return {
    layout: { bucket: 'trail-logs', prefix: '', organizationId: '' },
    accounts: ['111122223333'],
    regions: ['eu-west-1', 'us-east-1'],
    window,
    dayBoundary,
    folderDays: folderDays(window, dayBoundary),
    dedupe: true,
    table: { catalog: 'AwsDataCatalog', database: 'default', table: 'cloudtrail_report' },
    partitioning: 'projection',
    workgroup: 'primary',
    outputLocation: 's3://athena-results/cloudtrail/',
    queryTimeoutMs: 30 * 60_000,
    resultReuseMinutes: 0,
    checkArchived: false,
    rules: [],
    evidenceLimit: 100,
    ...overrides
  }
}
