import type { Counted } from './tally.js'

/** How many events one `fail-on` item matched. */
export interface FailOnMatch {
  readonly item: string
  readonly events: number
}

export interface FailOnResult {
  /** Events matched by any item, each counted once. */
  readonly flagged: number
  /** The items that matched, with their counts, in the order given. */
  readonly matches: readonly FailOnMatch[]
}

function itemMatches(item: string, [flag, eventsource, eventname]: readonly string[]): boolean {
  if (item === flag) return true
  if (item === eventname) return true
  return item === `${eventsource}:${eventname}`
}

/** Checks `fail-on` against the events per flag, event source and event name. */
export function evaluateFailOn(items: readonly string[], calls: readonly Counted[]): FailOnResult {
  let flagged = 0
  const counts = new Map(items.map((item) => [item, 0]))
  for (const { key, count } of calls) {
    const matching = items.filter((item) => itemMatches(item, key))
    if (matching.length > 0) flagged += count
    for (const item of matching) counts.set(item, (counts.get(item) ?? 0) + count)
  }
  return {
    flagged,
    matches: [...counts]
      .filter(([, events]) => events > 0)
      .map(([item, events]) => ({ item, events }))
  }
}

/** The step's failure message: what matched and how often. */
export function failOnMessage(result: FailOnResult): string {
  const parts = result.matches.map(({ item, events }) => `${item} (${events})`)
  return `fail-on matched ${result.flagged} event${result.flagged === 1 ? '' : 's'}: ${parts.join(', ')}`
}
