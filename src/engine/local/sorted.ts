/** The index just past the items of sorted `items` that `compare` puts before or equal to `item`. */
export function indexAfter<T>(
  items: readonly T[],
  item: T,
  compare: (a: T, b: T) => number
): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compare(items[middle] as T, item) <= 0) low = middle + 1
    else high = middle
  }
  return low
}
