import type { Aggregate } from '../aggregate.js'
import { csvDocument } from './csv.js'
import { Tally, type Counted } from './tally.js'

/** The recipe's columns, as Athena names them in its result. */
export const EVENTS_HEADER = [
  'awsregion',
  'eventsource',
  'eventname',
  'eventtime',
  'count'
] as const

/** Everything a run reports, computed in one pass over the aggregate. */
export interface Reports {
  readonly totalEvents: number
  /** Per region, event source, event name and UTC date. */
  readonly events: readonly Counted[]
  /** Per region. */
  readonly regions: readonly Counted[]
  /** Per UTC date, in date order. */
  readonly days: readonly Counted[]
}

export async function buildReports(aggregate: Aggregate): Promise<Reports> {
  const events = new Tally()
  const regions = new Tally()
  const days = new Tally()
  let totalEvents = 0
  for await (const row of aggregate) {
    totalEvents += row.events
    events.add([row.region, row.eventsource, row.eventname, row.eventdate], row.events)
    regions.add([row.region], row.events)
    days.add([row.eventdate], row.events)
  }
  return {
    totalEvents,
    events: events.sorted(),
    regions: regions.sorted(),
    days: days.sorted().sort((a, b) => ((a.key[0] ?? '') < (b.key[0] ?? '') ? -1 : 1))
  }
}

/** The report files, by name, as they are written to the report directory. */
export function reportFiles(reports: Reports): Record<string, string> {
  return {
    'events.csv': csvDocument(
      EVENTS_HEADER,
      reports.events.map(({ key, count }) => [...key, count])
    )
  }
}
