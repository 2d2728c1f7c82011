/**
 * Markdown for job summaries and comments. Event data is attacker-controlled: a principal ARN, a
 * session name, a user agent or a resource name is chosen by whoever made the call. So every value
 * is escaped so that it renders as the text it is, on GitHub: no HTML, no links, no table breaks,
 * no notifications, and nothing hidden.
 */
export function escapeText(value: string): string {
  return neutraliseAutolinks(
    // `$` starts GitHub's inline math.
    shown(value).replace(/([\\`*_[\]|~$])/g, '\\$1')
  )
}

/**
 * `value` for an HTML element of the markdown, such as `<summary>`, where GitHub renders HTML as
 * it is and markdown escapes would show: HTML-escaped, with invisible characters shown and
 * autolinks neutralised as `escapeText` does.
 */
export function escapeHtml(value: string): string {
  return neutraliseAutolinks(shown(value).replace(/"/g, '&quot;'))
}

/** On one line, invisible characters shown, no HTML: what both escapes start from. */
function shown(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(INVISIBLE, codePoint)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/**
 * Characters that change how text reads without being seen: Unicode format characters
 * (bidirectional controls such as U+202E, which can make `exe.txt` read `txt.exe`; zero-width
 * spaces and joiners; the byte order mark; tag characters), control characters and line or
 * paragraph separators. Each is shown as its code point, so a reader sees it was there.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}]/gu

/** `value` without the invisible characters above: for text where no escape applies. */
export function withoutInvisible(value: string): string {
  return value.replace(INVISIBLE, '')
}

function codePoint(character: string): string {
  const hex = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')
  return `[U+${hex}]`
}

/** A zero-width space, written as an entity (the raw character would be stripped above). */
const BREAK = '&#8203;'

/**
 * GitHub turns `@name` and `@org/team` into mentions (which notify), `#123`, `owner/repo#123` and
 * `GH-123` into issue references, and bare `https://…`, `www.…` and `name@example.com` into links.
 * A zero-width space after the `@`, the `#`, the `GH` or the scheme's `:` keeps the text as it
 * reads while none of those patterns matches any more.
 * https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls
 */
function neutraliseAutolinks(text: string): string {
  return text
    .replace(/#(?=\d)/g, `#${BREAK}`)
    .replace(/@/g, `@${BREAK}`)
    .replace(/\b(GH)(?=-\d)/gi, `$1${BREAK}`)
    .replace(/:(?=\/\/)/g, `:${BREAK}`)
    .replace(/\b(www)(?=\.)/gi, `$1${BREAK}`)
}

export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = []
): string {
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'))
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`
  return line(header) + line(rule) + rows.map(line).join('')
}
