import { LEVELS, type Rule } from '../src/rules/rule.js'

/** The README's table of built-in rules: most severe first, then by name. */
export function builtinRuleTable(rules: readonly Rule[]): string {
  const rank = (rule: Rule): number => LEVELS.indexOf(rule.level)
  const sorted = [...rules].sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : 1))
  const rows = sorted.map(
    (rule) =>
      `| \`${rule.key}\` | ${rule.title} | ${rule.level} | ${rule.tags.map((tag) => `\`${tag}\``).join(', ') || '—'} |`
  )
  return ['| rule | title | level | tags |', '| --- | --- | --- | --- |', ...rows].join('\n')
}
