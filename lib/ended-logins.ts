/**
 * Logins ended by `/logout` in this process, each until the last moment a token of it could still be presented: a
 * copied access-token cookie, the same token as a bearer, or a copied refresh cookie then stops working here at
 * once, instead of at its `exp`. Keys are a login's id (`loginIdOf`, shared by every token of one login across
 * refreshes) and a digest of its refresh token. Process-local: each instance learns only of its own logouts.
 *
 * Bounded: expired entries are purged first; only when `maxEntries` logins were ended within one token lifetime
 * does the oldest go, and `end` reports it (SECURITY.md states this bound).
 */
export class EndedLogins {
  private readonly ended = new Map<string, number>()

  constructor (private readonly maxEntries = 100_000) {}

  /** Ends `key` until `until` (seconds). Returns false when a live entry had to be evicted to make room. */
  end (key: string, until: number, now: number): boolean {
    let kept = true
    if (!this.ended.has(key) && this.ended.size >= this.maxEntries) {
      this.purge(now)
      if (this.ended.size >= this.maxEntries) {
        this.ended.delete(this.ended.keys().next().value as string)
        kept = false
      }
    }
    this.ended.set(key, Math.max(until, this.ended.get(key) ?? 0))
    return kept
  }

  has (key: string, now: number): boolean {
    const until = this.ended.get(key)
    if (until === undefined) return false
    if (until < now) this.ended.delete(key)
    return until >= now
  }

  get size (): number {
    return this.ended.size
  }

  private purge (now: number): void {
    for (const [key, until] of this.ended) if (until < now) this.ended.delete(key)
  }
}
