import { catalogueAction, isServicePrefix } from './catalogue.js'
import {
  DENIED_ERROR_CODE,
  EVENT_ACTIONS,
  HTTP_METHOD_SERVICES,
  NOT_ACTIONS,
  type NotActionReason,
  SERVICE_PREFIXES,
  VERSION_SUFFIXES
} from './exceptions.js'

/** The IAM actions an event needed, or why it maps to none. */
export type EventActions =
  { readonly actions: readonly string[] } | { readonly unmapped: UnmappedReason }

export type UnmappedReason =
  | NotActionReason
  /** The event source names no service the catalogue knows. */
  | 'unknown service'
  /** The service is known, but no action of the event's name (nor an exception for it). */
  | 'no such action'

/** The IAM service prefix of an event source: `s3.amazonaws.com` → `s3`. */
export function servicePrefix(eventsource: string): string {
  return SERVICE_PREFIXES[eventsource] ?? eventsource.replace(/\.amazonaws\.com$/, '')
}

/**
 * The actions that authorize an event, each as the catalogue spells it; an event that maps to
 * none is never guessed at. Unlisted events map to `<prefix>:<eventName>`, once any API version
 * is taken off the name, when the catalogue has that action.
 */
export function eventActions(eventsource: string, eventname: string): EventActions {
  const key = `${eventsource}:${eventname}`
  const notAction = NOT_ACTIONS[key]
  if (notAction !== undefined) return { unmapped: notAction }
  const listed = EVENT_ACTIONS[key]
  if (listed !== undefined) return known(listed)

  const methods = HTTP_METHOD_SERVICES[eventsource]
  if (methods !== undefined) {
    const verb = /^[A-Z][a-z]+/.exec(eventname)?.[0] ?? ''
    const method = methods[verb]
    return method === undefined ? { unmapped: 'no such action' } : known([method])
  }

  const prefix = servicePrefix(eventsource)
  if (!isServicePrefix(prefix)) return { unmapped: 'unknown service' }
  const suffix = VERSION_SUFFIXES[eventsource]
  const name = suffix === undefined ? eventname : eventname.replace(suffix, '')
  const action = catalogueAction(prefix, name)
  return action === undefined ? { unmapped: 'no such action' } : { actions: [action] }
}

/** Exceptions name actions as documented; looked up so the spelling is the catalogue's. */
function known(actions: readonly string[]): EventActions {
  const documented: string[] = []
  for (const action of actions) {
    const [prefix = '', name = ''] = action.split(':')
    const found = catalogueAction(prefix, name)
    if (found === undefined) return { unmapped: 'no such action' }
    documented.push(found)
  }
  return { actions: documented }
}

/** Whether an error code says the call was refused for want of permission. */
export function isDenied(errorcode: string): boolean {
  return DENIED_ERROR_CODE.test(errorcode)
}
