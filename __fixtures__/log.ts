import type { Log } from '../src/run/log.js'

/** A log that keeps what it is told, by level, so tests can assert the exact messages. */
export interface RecordingLog extends Log {
  readonly infos: string[]
  readonly warnings: string[]
  readonly groups: string[]
}

export function recordingLog(): RecordingLog {
  const infos: string[] = []
  const warnings: string[] = []
  const groups: string[] = []
  return {
    infos,
    warnings,
    groups,
    info: (message) => void infos.push(message),
    warning: (message) => void warnings.push(message),
    debug: () => undefined,
    group: async (name, work) => {
      groups.push(name)
      return work()
    }
  }
}
