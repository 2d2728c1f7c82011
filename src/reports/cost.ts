const MIB = 1024 ** 2
const TIB = 1024 ** 4

/**
 * What Athena charges for a query that scanned `bytes`: $5 per TB, rounded up to the megabyte,
 * with a 10 MB minimum. https://aws.amazon.com/athena/pricing/
 */
export function queryCostUsd(bytes: number): number {
  const billed = Math.max(Math.ceil(bytes / MIB), 10) * MIB
  return (billed / TIB) * 5
}
