import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { flagTable } from '../__fixtures__/flag-docs.js'
import { builtinRuleTable } from '../__fixtures__/rule-docs.js'
import { loadRules } from '../src/rules/load.js'

/** Prettier pads markdown tables; compare them without the padding. */
function unpadded(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/\s*\|\s*/g, '|')
        .replace(/-{3,}/g, '---')
    )
    .join('\n')
}

const readme = unpadded(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))

describe('README', () => {
  it('documents every audit flag with its exact condition, in severity order', () => {
    expect(readme).toContain(unpadded(flagTable()))
  })

  it('lists every built-in rule with its title, level and tags, most severe first', async () => {
    const { rules } = await loadRules({ builtin: true, paths: '', workspace: '.' })
    expect(readme).toContain(unpadded(builtinRuleTable(rules)))
  })
})
