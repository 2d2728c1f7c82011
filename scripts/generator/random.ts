/**
 * A seeded pseudo-random sequence, so a generated bucket is the same bytes for the same seed on
 * every machine: a Weyl counter run through the MurmurHash3 finalizer, which is fast, passes the
 * usual statistical smoke tests, and needs no 64-bit arithmetic.
 */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0
    let z = this.state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return ((z ^ (z >>> 16)) >>> 0) / 0x1_0000_0000
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error('Random.pick needs at least one item')
    return item
  }

  /** One of `items`, each as likely as its weight. */
  weighted<T>(items: readonly (readonly [weight: number, item: T])[]): T {
    const total = items.reduce((sum, [weight]) => sum + weight, 0)
    let left = this.next() * total
    for (const [weight, item] of items) {
      left -= weight
      if (left < 0) return item
    }
    return this.pick(items)[1]
  }

  string(length: number, alphabet: string): string {
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.next() * alphabet.length)]
    return text
  }

  hex(length: number): string {
    return this.string(length, '0123456789abcdef')
  }

  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`
  }
}
