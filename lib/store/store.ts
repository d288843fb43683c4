/** One ended key, as every instance records it: kept until `until`, ended at `at` (seconds). */
export interface End {
  key: string
  until: number
  at: number
}

/**
 * State an instance shares with the others: ended logins, refresh coordination, revocation checks. The memory
 * store (the default) keeps today's one-process behaviour; the Redis store shares it, with the same local reads.
 */
export interface SharedStore {
  /** Local and synchronous (the hot path): when `key` was ended, while that end is kept; undefined otherwise. */
  endedAt: (key: string, now: number) => number | undefined
  /** Whether any end is known here at all, so the hot path skips the lookups while none is. */
  readonly hasEnds: boolean
  /** Records ends here and on every instance; false when the local list had to drop a live entry. */
  end: (ends: End[], now: number) => Promise<boolean>
  /** Brings the local view of `keys` up to date (a token first seen here, a refresh); undefined when it always is. */
  load: (keys: string[], now: number) => Promise<void> | undefined
  /** Runs `run` on one instance for `id` at a time; the others wait for its result and get it too. */
  once: <T>(id: string, run: () => Promise<T>) => Promise<T>
  /** Claims the revocation check of `id` for `ms` milliseconds: true when no instance has checked it within them. */
  claimCheck: (id: string, ms: number) => Promise<boolean>
  /** `listener` runs when the local view may have missed ends (after a reconnect): what was built on it must go. */
  onResync: (listener: () => void) => void
  close: () => Promise<void>
}
