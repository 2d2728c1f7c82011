import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadRules, rulePathEntries, RulesInputError } from '../src/rules/load.js'
import { RuleFileError } from '../src/rules/sigma.js'

let workspace: string

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'rules-load-'))
})

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true })
})

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(workspace, path)), { recursive: true })
  await writeFile(join(workspace, path), text)
}

const ruleText = (name: string, extra = ''): string => `title: Rule ${name}
id: id-${name}
name: ${name}
level: low
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: ${name}
  condition: selection
${extra}`

const keywords = (id: string): string =>
  `title: K\nid: ${id}\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  k:\n    - evil\n  condition: k\n`
const windows = (id: string): string =>
  `title: W\nid: ${id}\nlevel: low\nlogsource: {product: windows}\ndetection:\n  s:\n    Image: x\n  condition: s\n`

const load = (paths: string, builtin = false): ReturnType<typeof loadRules> =>
  loadRules({ builtin, paths, workspace })

describe('the rules input', () => {
  it('splits on newlines and commas, and drops blanks', () => {
    expect(rulePathEntries(' a.yml,b/ \n\n c/*.yaml ,')).toEqual(['a.yml', 'b/', 'c/*.yaml'])
  })

  it('loads files, directories (recursively) and globs, relative to the workspace, by key', async () => {
    await write('one.yml', ruleText('one'))
    await write('dir/two.yaml', ruleText('two'))
    await write('dir/deeper/three.yml', ruleText('three'))
    await write('dir/notes.txt', 'not a rule')
    await write('globbed/four.yml', ruleText('four'))
    const loaded = await load('one.yml, dir\nglobbed/*.yml')
    expect(loaded.rules.map((rule) => [rule.key, rule.file, rule.builtin])).toEqual([
      ['four', 'globbed/four.yml', false],
      ['one', 'one.yml', false],
      ['three', 'dir/deeper/three.yml', false],
      ['two', 'dir/two.yaml', false]
    ])
  })

  it('reads a file named twice once', async () => {
    await write('one.yml', ruleText('one'))
    expect((await load('one.yml\n*.yml')).rules).toHaveLength(1)
  })

  it('lists the rules not run and those for other log sources beside the rules', async () => {
    await write('rules/a.yml', ruleText('a'))
    await write('rules/k.yml', keywords('k-1'))
    await write('rules/w.yml', windows('w-1'))
    const loaded = await load('rules')
    expect(loaded.rules.map((rule) => rule.key)).toEqual(['a'])
    expect(loaded.notRun).toEqual([
      { file: 'rules/k.yml', id: 'k-1', title: 'K', reason: 'keywords (values without a field)' }
    ])
    expect(loaded.notApplicable).toEqual([
      { file: 'rules/w.yml', id: 'w-1', title: 'W', logsource: 'windows/-' }
    ])
  })

  it('adds the built-in rules unless they are turned off, without reading the workspace', async () => {
    const builtin = await loadRules({
      builtin: true,
      paths: '',
      workspace: join(workspace, 'absent')
    })
    expect(builtin.rules.map((rule) => rule.key)).toContain('cloudtrail-changes')
    expect(builtin.rules.every((rule) => rule.builtin && rule.file.startsWith('rules/'))).toBe(true)
    expect((await load('', false)).rules).toEqual([])
  })

  it.each([
    ['missing.yml', 'rules: "missing.yml" is not a file or a directory'],
    ['nothing/*.yml', 'rules: "nothing/*.yml" matches no .yml or .yaml file'],
    ['notes.txt', 'rules: "notes.txt" is not a .yml or .yaml file'],
    ['empty', 'rules: the directory "empty" has no .yml or .yaml file'],
    [
      'unusable',
      'rules: no rule from "unusable" can run: 1 not supported, 1 for other log sources than AWS CloudTrail'
    ]
  ])('refuses %s', async (entry, message) => {
    await write('notes.txt', 'x')
    await mkdir(join(workspace, 'empty'))
    await write('unusable/k.yml', keywords('k-1'))
    await write('unusable/w.yml', windows('w-1'))
    const failure = load(entry)
    await expect(failure).rejects.toBeInstanceOf(RulesInputError)
    await expect(failure).rejects.toThrow(message)
  })

  it('refuses two rules with the same key, naming both files', async () => {
    await write('a.yml', ruleText('same'))
    await write('b/c.yml', ruleText('same'))
    await expect(load('a.yml, b')).rejects.toThrow(
      new RulesInputError('rules: loads two rules called "same": in a.yml and in b/c.yml')
    )
    await write('d.yml', ruleText('cloudtrail-changes'))
    await expect(load('d.yml', true)).rejects.toThrow(
      new RulesInputError(
        'rules: loads two rules called "cloudtrail-changes": in rules/cloudtrail-changes.yml and in d.yml'
      )
    )
  })

  it('stops at a file that is not a Sigma rule, naming it and the line', async () => {
    await write('good.yml', ruleText('good'))
    await write('bad.yml', 'title: x\n  - : [\n')
    const failure = load('good.yml, bad.yml')
    await expect(failure).rejects.toBeInstanceOf(RuleFileError)
    await expect(failure).rejects.toThrow(/^bad\.yml:\d+: not valid YAML: /)
  })
})
