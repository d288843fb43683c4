/** When a login was ended, and until when a token or cookie issued before that could still be presented (seconds). */
interface Ended { at: number, until: number }

/**
 * Logins ended by `/logout` or `endSessions`: a copied access-token cookie, the same token as a bearer, or a copied
 * refresh cookie then stops working at once, instead of at its `exp`. Keyed by a login's id (`login:<loginIdOf>`,
 * shared by every token of one login across refreshes and rotations) or a user (`user:<sub>`, every login that began
 * by the end); what was issued before the end (by `iat`, or the refresh cookie's sealing time) is refused, so a new
 * login that happens to share the id still works. This is the local view: the store fills it from this process's
 * ends and, with Redis, every instance's.
 *
 * Bounded: expired entries are purged first; only when `maxEntries` logins were ended within their lifetimes does
 * the oldest go, and `end` reports it (SECURITY.md states this bound).
 */
export class EndedLogins {
  private readonly ended = new Map<string, Ended>()

  constructor (private readonly maxEntries = 100_000) {}

  /** Ends `key` at `at`, remembered until `until` (seconds). Returns false when a live entry had to be evicted to make room. */
  end (key: string, at: number, until: number, now: number): boolean {
    let kept = true
    const known = this.ended.get(key)
    if (known === undefined && this.ended.size >= this.maxEntries) {
      this.purge(now)
      if (this.ended.size >= this.maxEntries) {
        this.ended.delete(this.ended.keys().next().value as string)
        kept = false
      }
    }
    this.ended.set(key, { at: Math.max(at, known?.at ?? 0), until: Math.max(until, known?.until ?? 0) })
    return kept
  }

  /** When `key` was ended, while that still matters at `now` (seconds); undefined otherwise. */
  endedAt (key: string, now: number): number | undefined {
    const entry = this.ended.get(key)
    if (entry === undefined) return undefined
    if (entry.until < now) {
      this.ended.delete(key)
      return undefined
    }
    return entry.at
  }

  get size (): number {
    return this.ended.size
  }

  private purge (now: number): void {
    for (const [key, { until }] of this.ended) if (until < now) this.ended.delete(key)
  }
}
