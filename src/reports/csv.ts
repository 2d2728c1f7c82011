/**
 * CSV as Athena writes it: every value double-quoted, quotes doubled, `\n` line ends.
 * https://docs.aws.amazon.com/athena/latest/ug/querying.html#query-results-csv
 */
export function csvLine(values: readonly (string | number)[]): string {
  return `${values.map((value) => `"${String(value).replaceAll('"', '""')}"`).join(',')}\n`
}

export function csvDocument(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[]
): string {
  return csvLine(header) + rows.map(csvLine).join('')
}
