import { LEVELS, type Rule } from '../src/rules/rule.js'

/** The MITRE ATT&CK tactics of a rule's tags (`attack.defense-evasion`), in words. */
function tactics(rule: Rule): string {
  const names = rule.tags
    .filter((tag) => /^attack\.[a-z]+(-[a-z]+)*$/.test(tag))
    .map((tag) => tag.slice('attack.'.length).replaceAll('-', ' '))
  return names.join(', ') || '—'
}

/** The MITRE ATT&CK techniques of a rule's tags (`attack.t1562.008`), as ATT&CK writes them. */
function techniques(rule: Rule): string {
  const ids = rule.tags
    .filter((tag) => /^attack\.t\d{4}(\.\d{3})?$/.test(tag))
    .map((tag) => tag.slice('attack.'.length).toUpperCase())
  return ids.join(', ') || '—'
}

/** The README's table of built-in rules: most severe first, then by name. */
export function builtinRuleTable(rules: readonly Rule[]): string {
  const rank = (rule: Rule): number => LEVELS.indexOf(rule.level)
  const sorted = [...rules].sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : 1))
  const rows = sorted.map(
    (rule) =>
      `| \`${rule.key}\` | ${rule.level} | ${tactics(rule)} | ${techniques(rule)} | ${rule.title} |`
  )
  return [
    '| rule | level | tactic | technique | title |',
    '| --- | --- | --- | --- | --- |',
    ...rows
  ].join('\n')
}
