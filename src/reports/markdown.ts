/**
 * Markdown for job summaries and comments. Event data is attacker-controlled (a principal ARN,
 * an event name from a forged request), so every value is escaped so it renders as text: no HTML,
 * no links, no table breaks.
 */
export function escapeText(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
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
