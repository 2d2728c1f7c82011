import { describe, expect, it } from 'vitest'
import { escapeHtml, escapeText } from '../src/reports/markdown.js'

describe('escapeText', () => {
  it('escapes markdown emphasis, code, links and line breaks', () => {
    expect(escapeText('*a* _b_ `c` [d](e) ~~f~~ \\g\nh & i')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\~\\~f\\~\\~ \\\\g h &amp; i'
    )
  })

  it('keeps @mentions and team mentions from notifying anyone', () => {
    expect(escapeText('@octocat asked @octo-org/security')).toBe(
      '@&#8203;octocat asked @&#8203;octo-org/security'
    )
  })

  it('keeps #123, owner/repo#123 and GH-123 from referencing issues', () => {
    expect(escapeText('fixes #123, octo/infra#45 and gh-7')).toBe(
      'fixes #&#8203;123, octo/infra#&#8203;45 and gh&#8203;-7'
    )
    expect(escapeText('role #admin')).toBe('role #admin')
  })

  it('keeps bare URLs from becoming links', () => {
    expect(escapeText('aws-cli/2.0 (+https://evil.example/x) www.evil.example FTP://host')).toBe(
      'aws-cli/2.0 (+https:&#8203;//evil.example/x) www&#8203;.evil.example FTP:&#8203;//host'
    )
  })

  it('keeps e-mail-like session names from becoming mailto links', () => {
    expect(escapeText('assumed-role/admin/alice@example.com')).toBe(
      'assumed-role/admin/alice@&#8203;example.com'
    )
  })

  it('shows bidirectional controls and other invisible characters as code points', () => {
    expect(escapeText('invoice\u202Efdp.exe')).toBe('invoice\\[U+202E\\]fdp.exe')
    expect(escapeText('\u2066a\u2069 \u200Eb\u200F \u061Cc')).toBe(
      '\\[U+2066\\]a\\[U+2069\\] \\[U+200E\\]b\\[U+200F\\] \\[U+061C\\]c'
    )
    expect(escapeText('ad\u200Bmin\uFEFF\u00AD\u2060\u{E0041}\u0007\u2028')).toBe(
      'ad\\[U+200B\\]min\\[U+FEFF\\]\\[U+00AD\\]\\[U+2060\\]\\[U+E0041\\]\\[U+0007\\]\\[U+2028\\]'
    )
  })

  it('keeps $ from starting inline math', () => {
    expect(escapeText('$\\color{red}{x}$')).toBe('\\$\\\\color{red}{x}\\$')
  })
})

describe('escapeHtml', () => {
  it('escapes HTML without markdown escapes, which an HTML element would show', () => {
    expect(escapeHtml('Odd *rule* <b>"x"</b> & @admin #12 \u202E')).toBe(
      'Odd *rule* &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; @&#8203;admin #&#8203;12 [U+202E]'
    )
  })
})
