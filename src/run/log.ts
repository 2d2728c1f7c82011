/** Where progress goes: the action's log (with groups) or the CLI's stderr. */
export interface Log {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  group<T>(name: string, work: () => Promise<T>): Promise<T>
}

/** A log that says nothing, for callers that do not care. */
export const silentLog: Log = {
  info: () => undefined,
  warning: () => undefined,
  debug: () => undefined,
  group: (_name, work) => work()
}
