/** When a login was ended, and until when a token or cookie issued before that could still be presented. */
interface Ended { at: number, until: number }

/**
 * Logins ended by `/logout` in this process: a copied access-token cookie, the same token as a bearer, or a copied
 * refresh cookie then stops working here at once, instead of at its `exp`. Keyed by a login's id (`loginIdOf`, shared
 * by every token of one login across refreshes and rotations); what was issued before the end (by `iat`, or the
 * refresh cookie's sealing time) is refused, so a new login that happens to share the id still works.
 * Process-local: each instance learns only of its own logouts.
 *
 * Bounded: expired entries are purged first; only when `maxEntries` logins were ended within their lifetimes does
 * the oldest go, and `end` reports it (SECURITY.md states this bound).
 */
export class EndedLogins {
  private readonly ended = new Map<string, Ended>()

  constructor (private readonly maxEntries = 100_000) {}

  /** Ends `key` at `at` (ms), remembered until `until` (s). Returns false when a live entry had to be evicted to make room. */
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

  /** When `key` was ended (ms), while that still matters at `now` (s); undefined otherwise. */
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
