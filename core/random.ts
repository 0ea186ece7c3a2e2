/**
 * The one seeded random source. Everything random in a test (operation choice,
 * keys, values, nemesis targets, the fault schedule) draws from a `Random`
 * derived from the test's seed, so `--seed` replays the same decisions.
 *
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32: fast, 128 bits of
 * state, and good enough statistically for test generation (not for crypto).
 */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = seed >>> 0
    const next = (): number => {
      // splitmix32
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
  }

  /** A uniformly random unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`Random.int needs n > 0, got ${n}`)
    return Math.floor(this.float() * n)
  }

  /** An integer in [lo, hi] inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  bool(p = 0.5): boolean {
    return this.float() < p
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('Random.pick of an empty list')
    return xs[this.int(xs.length)] as T
  }

  /** A new array with the elements in random order (Fisher–Yates). */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = xs.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = out[i] as T
      out[i] = out[j] as T
      out[j] = tmp
    }
    return out
  }

  /** An exponentially distributed value with the given mean (for stagger). */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean
  }

  /** An independent stream derived from this one (e.g. one per subsystem). */
  fork(): Random {
    return new Random(this.nextU32())
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** A fresh seed when the user gave none: printed first and last so the run replays. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31)
}
