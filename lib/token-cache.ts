/**
 * Verified tokens, keyed by the whole token string (never a prefix or hash two tokens could share),
 * each kept until its `exp`. Bounded: the oldest entry goes first when full.
 */
export class VerifiedTokenCache<C extends { exp: number }> {
  private readonly entries = new Map<string, C>()

  constructor (private readonly maxEntries: number, private readonly leeway: number) {}

  get (token: string, now: number): C | undefined {
    const claims = this.entries.get(token)
    if (claims === undefined) return undefined
    if (claims.exp + this.leeway <= now) {
      this.entries.delete(token)
      return undefined
    }
    return claims
  }

  set (token: string, claims: C): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(token, claims)
  }

  get size (): number {
    return this.entries.size
  }
}
