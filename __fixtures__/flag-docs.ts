import { FLAG_RULES, type Condition, type FlagField } from '../src/rules/flags.js'

const FIELD_NAMES: Record<FlagField, string> = {
  identitytype: 'userIdentity.type',
  invokedby: 'userIdentity.invokedBy',
  eventtype: 'eventType',
  errorcode: 'errorCode',
  errormessage: 'errorMessage',
  eventsource: 'eventSource',
  eventname: 'eventName',
  mfaused: 'additionalEventData.MFAUsed',
  consolelogin: 'responseElements.ConsoleLogin'
}

/** A rule's condition in words, as the README's flag table states it. */
export function describeCondition(condition: Condition): string {
  if ('all' in condition) return condition.all.map(describeCondition).join(' and ')
  if ('any' in condition) return `(${condition.any.map(describeCondition).join(' or ')})`
  const field = `\`${FIELD_NAMES[condition.field]}\``
  if ('is' in condition)
    return condition.is === '' ? `${field} is empty` : `${field} = \`${condition.is}\``
  if ('isNot' in condition) return `${field} ≠ \`${condition.isNot}\``
  if ('oneOf' in condition)
    return `${field} in ${condition.oneOf.map((name) => `\`${name}\``).join(', ')}`
  if ('startsWith' in condition) return `${field} starts with \`${condition.startsWith}\``
  return `${field} ends with \`${condition.endsWith}\``
}

/** The README's table of flags, most severe first. */
export function flagTable(): string {
  const rows = FLAG_RULES.map(
    (rule, i) => `| ${i + 1} | \`${rule.name}\` | ${describeCondition(rule.when)} | ${rule.cis} |`
  )
  return [
    '| severity | flag | condition | CIS control |',
    '| --- | --- | --- | --- |',
    ...rows
  ].join('\n')
}
