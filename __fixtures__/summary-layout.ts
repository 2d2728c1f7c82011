/**
 * The summary's tables as a reader's screen sees them, without a browser: how many columns each
 * has, and how wide each row must be at the least. A browser wraps a cell's text at spaces (and at
 * `<br>`), never inside a word, so a row is at least as wide as the longest word of each of its
 * cells put together; `npm run render-summary` checks the same in Chromium.
 */

export interface MarkdownTable {
  /** The header line. */
  readonly header: string
  readonly columns: number
  /** Every line, header and delimiter included. */
  readonly lines: readonly string[]
}

/** The cells of a table line: split at `|` that is not escaped. */
export function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '')
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim())
}

/** Every table of a markdown text: a line of cells, a delimiter line, then rows. */
export function tables(markdown: string): MarkdownTable[] {
  const lines = markdown.split('\n')
  const found: MarkdownTable[] = []
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = lines[i] as string
    if (!header.startsWith('|') || !/^\|( ?-{3,}:? ?\|)+$/.test(lines[i + 1] as string)) continue
    let end = i + 2
    while (end < lines.length && (lines[end] as string).startsWith('|')) end++
    found.push({ header, columns: cells(header).length, lines: lines.slice(i, end) })
    i = end - 1
  }
  return found
}

/**
 * A cell's text as it reads: no markup, a link its text, entities decoded, a zero-width space a
 * place to wrap, a word joiner nothing.
 */
function visible(cell: string): string {
  return cell
    .replace(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)/g, '$1')
    .replace(/<br>/g, ' ')
    .replace(/<\/?(sub|b|strong)>/g, '')
    .replace(/\*\*/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/&#8203;/g, ' ')
    .replace(/&#8288;/g, '')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** Characters wide: an emoji is two. */
function width(word: string): number {
  let total = 0
  for (const char of word) total += /\p{Extended_Pictographic}/u.test(char) ? 2 : 1
  return total
}

/**
 * The least width of a table line, in characters: each cell's longest word, added up. A word ends
 * at a space, or after a hyphen, where browsers also wrap; an ARN or an e-mail address is one.
 */
export function leastWidth(line: string): number {
  return cells(line)
    .map((cell) =>
      Math.max(
        0,
        ...visible(cell)
          .split(/[ \t]+|(?<=-)/)
          .map(width)
      )
    )
    .reduce((sum, cellWidth) => sum + cellWidth, 0)
}
