/**
 * A 64-bit hash, as two 32-bit halves (`high`, `low`), of a string's UTF-16 code units, continuing
 * from a seed: two MurmurHash3-style lanes with different constants, mixed together at the end.
 * `ofBytes` is the same over ASCII bytes, which are the same units, so a value hashes the same
 * whether it was read as bytes or decoded. Every parser thread must hash alike: the main thread
 * dedupes events across threads by these hashes.
 */
export class Hash64 {
  high = 0
  low = 0

  ofString(value: string, seedHigh: number, seedLow: number): void {
    let a = seedHigh ^ value.length
    let b = seedLow ^ Math.imul(value.length, 0x9e3779b1)
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i)
      a = Math.imul(a ^ c, 0xcc9e2d51)
      a = (a << 15) | (a >>> 17)
      b = Math.imul(b ^ c, 0x1b873593)
      b = (b << 13) | (b >>> 19)
      b = (Math.imul(b, 5) + 0xe6546b64) | 0
    }
    this.finish(a, b)
  }

  /** The hash of the ASCII bytes from `from` to `to`, as `ofString` of their text. */
  ofBytes(bytes: Uint8Array, from: number, to: number, seedHigh: number, seedLow: number): void {
    let a = seedHigh ^ (to - from)
    let b = seedLow ^ Math.imul(to - from, 0x9e3779b1)
    for (let i = from; i < to; i++) {
      const c = bytes[i] as number
      a = Math.imul(a ^ c, 0xcc9e2d51)
      a = (a << 15) | (a >>> 17)
      b = Math.imul(b ^ c, 0x1b873593)
      b = (b << 13) | (b >>> 19)
      b = (Math.imul(b, 5) + 0xe6546b64) | 0
    }
    this.finish(a, b)
  }

  private finish(a: number, b: number): void {
    a ^= b
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b)
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35)
    a ^= a >>> 16
    b ^= a
    b = Math.imul(b ^ (b >>> 16), 0x7feb352d)
    b = Math.imul(b ^ (b >>> 15), 0x846ca68b)
    b ^= b >>> 16
    this.high = a >>> 0
    this.low = b >>> 0
  }
}
