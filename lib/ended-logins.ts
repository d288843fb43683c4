/**
 * Logins ended by `/logout` or `endSessions`, each kept until the last moment a token of it could still be
 * presented: a copied access-token cookie, the same token as a bearer, or a copied refresh cookie then stops working
 * at once, instead of at its `exp`. Keys are a login's id (`loginIdOf`, shared by every token of one login across
 * refreshes), a digest of its refresh token, or a user (`user:<sub>`, every login that began before the end).
 * This is the local view: the store fills it from this process's ends and, with Redis, every instance's.
 *
 * Bounded: expired entries are purged first; only when `maxEntries` logins were ended within one token lifetime
 * does the oldest go, and `end` reports it (SECURITY.md states this bound).
 */
export class EndedLogins {
  private readonly ended = new Map<string, { until: number, at: number }>()

  constructor (private readonly maxEntries = 100_000) {}

  /** Ends `key` until `until` (seconds), as ended at `at`. Returns false when a live entry had to be evicted to make room. */
  end (key: string, until: number, now: number, at = now): boolean {
    let kept = true
    const known = this.ended.get(key)
    if (known === undefined && this.ended.size >= this.maxEntries) {
      this.purge(now)
      if (this.ended.size >= this.maxEntries) {
        this.ended.delete(this.ended.keys().next().value as string)
        kept = false
      }
    }
    this.ended.set(key, { until: Math.max(until, known?.until ?? 0), at: Math.max(at, known?.at ?? 0) })
    return kept
  }

  /** When `key` was last ended, while it is kept; undefined otherwise. */
  endedAt (key: string, now: number): number | undefined {
    const entry = this.ended.get(key)
    if (entry === undefined) return undefined
    if (entry.until < now) {
      this.ended.delete(key)
      return undefined
    }
    return entry.at
  }

  has (key: string, now: number): boolean {
    return this.endedAt(key, now) !== undefined
  }

  get size (): number {
    return this.ended.size
  }

  private purge (now: number): void {
    for (const [key, { until }] of this.ended) if (until < now) this.ended.delete(key)
  }
}
