/** Characters of the token's end used to find its entry: the tail of the RSA signature. */
const TAIL = 32

/**
 * Verified tokens, each kept until its `exp` (or `maxAge`, if sooner). An entry is found by the token's last characters (hashing a 1 KB
 * string costs more than the rest of a cached request) and returned only when the whole token string is equal,
 * so no two tokens can share an entry's claims (unlike a cache keyed by a prefix or a hash alone). Bounded: the
 * oldest entry goes first when full; a valid token with the same tail would only replace it.
 */
export class VerifiedTokenCache<C extends { exp: number }> {
  private readonly entries = new Map<string, { token: string, claims: C, until: number }>()

  /** `maxAge`: seconds an entry is trusted before the token is verified again (so a withdrawn key stops working). */
  constructor (private readonly maxEntries: number, private readonly leeway: number, private readonly maxAge = Infinity) {}

  get (token: string, now: number): C | undefined {
    const key = token.slice(-TAIL)
    const entry = this.entries.get(key)
    if (entry === undefined || entry.token !== token) return undefined
    if (entry.until <= now) {
      this.entries.delete(key)
      return undefined
    }
    return entry.claims
  }

  set (token: string, claims: C, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(token.slice(-TAIL), { token, claims, until: Math.min(claims.exp + this.leeway, now + this.maxAge) })
  }

  /** Forgets every entry: each token is verified (and its login looked up) again. */
  clear (): void {
    this.entries.clear()
  }

  get size (): number {
    return this.entries.size
  }
}
