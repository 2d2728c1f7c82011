import { BUILTIN_RULE_FILES } from '../src/rules/builtin.js'
import type { Rule } from '../src/rules/rule.js'
import { readRuleFile } from '../src/rules/sigma.js'
import { compareText } from '../src/text-order.js'

/** A rule for report tests, whose condition they never evaluate: `eventName` is `name`. */
export function testRule(key: string, overrides: Partial<Rule> = {}): Rule {
  return {
    key,
    id: `00000000-0000-4000-8000-${key.length.toString().padStart(12, '0')}`,
    name: key,
    title: `Title of ${key}`,
    description: '',
    author: 'cloudtrail-athena-report',
    level: 'medium',
    status: 'test',
    tags: [],
    references: [],
    falsepositives: [],
    file: `rules/${key}.yml`,
    builtin: true,
    condition: {
      kind: 'match',
      field: {
        path: 'eventName',
        source: { kind: 'column', column: 'eventname', keys: ['eventName'] }
      },
      test: { kind: 'pattern', parts: [{ text: key }], cased: false }
    },
    threshold: undefined,
    ...overrides
  }
}

/** The built-in rules, as `loadRules` gives them with `builtin-rules` on and no `rules`. */
export const BUILTIN_RULES: readonly Rule[] = BUILTIN_RULE_FILES.flatMap(
  ({ file, text }) => readRuleFile(text, file, true).rules
).sort((a, b) => compareText(a.key, b.key))
