import { describe, expect, it } from 'vitest'
import { normalizeRegex, renderAnchors, UnsupportedRegex } from '../src/rules/regex.js'

describe('regular expressions in the common subset', () => {
  it.each([
    ['^abc$', false, '^abc$'],
    ['a.b', false, 'a[^\\n]b'],
    ['a.b', true, 'a[\\s\\S]b'],
    ['\\d+\\w*\\s?', false, '[0-9]+[0-9A-Z_a-z]*[\\x09-\\x0d ]?'],
    ['\\D\\W\\S', false, '[^0-9][^0-9A-Z_a-z][^\\x09-\\x0d ]'],
    ['[\\d_.-]', false, '[0-9_\\.\\-]'],
    ['[^a-z$^]', false, '[^a-z\\$\\^]'],
    ['a\\.b\\$c\\^d\\/e\\-f', false, 'a\\.b\\$c\\^d/e-f'],
    ['\\x41\\n\\t', false, 'A\\x0a\\x09'],
    ['(a|b)(?:c)*?d{2,3}e{4}f{5,}', false, '(a|b)(?:c)*?d{2,3}e{4}f{5,}'],
    ['😀.', false, '😀[^\\n]']
  ])('writes %j (dotAll %s) as %j', (source, dotAll, normalized) => {
    expect(normalizeRegex(source, dotAll)).toBe(normalized)
  })

  it.each([
    ['a(?=b)', 'a lookahead'],
    ['a(?!b)', 'a lookahead'],
    ['(?<=a)b', 'a lookbehind'],
    ['(?<!a)b', 'a lookbehind'],
    ['(?<name>a)', 'a named group'],
    ['(?P<name>a)', 'a named group'],
    ['(?>a)', 'an atomic group'],
    ['(?i)a', 'an inline flag or another (? group'],
    ['(a)\\1', 'a backreference'],
    ['\\k<a>', 'a named backreference'],
    ['\\bword\\b', 'a word boundary (\\b, \\B)'],
    ['\\p{L}', 'a Unicode property (\\p)'],
    ['\\Aa\\z', 'the anchor \\A'],
    ['\\Qa.b\\E', 'quoting (\\Q…\\E)'],
    ['\\v', 'the escape \\v'],
    ['\\u0041', 'the escape \\u'],
    ['a++', 'a possessive quantifier'],
    ['a**', 'two quantifiers in a row'],
    ['*a', 'a quantifier * with nothing to repeat'],
    ['(|*)', 'a quantifier * with nothing to repeat'],
    ['a{,3}', 'a { that is not a repetition {n}, {n,} or {n,m}'],
    ['a{2000}', 'a repetition over 1000'],
    ['a{3,2}', 'a repetition {n,m} with m < n'],
    ['[[:alpha:]]', '[ inside a class (a nested class in Java)'],
    ['[a-z&&[^x]]', '&& inside a class (an intersection in Java)'],
    ['[]a]', 'a class that starts with ]'],
    ['[z-a]', 'a range out of order'],
    ['[\\D]', '\\D inside a class'],
    ['[a', 'an unclosed class'],
    ['(a', 'an unclosed ('],
    ['a)', 'an unopened )'],
    ['a]', 'an unescaped ]'],
    ['a\\', 'a trailing backslash'],
    ['\\xZZ', 'an escape \\x without two hex digits']
  ])('refuses %j: %s', (source, what) => {
    expect(() => normalizeRegex(source, false)).toThrow(
      new UnsupportedRegex(`${what} in the regular expression ${JSON.stringify(source)}`)
    )
  })

  it('replaces only the anchors, not escapes or a class negation', () => {
    expect(renderAnchors('^a\\$[^\\^b]$|^c', (anchor) => (anchor === '^' ? 'S' : 'E'))).toBe(
      'Sa\\$[^\\^b]E|Sc'
    )
  })
})
