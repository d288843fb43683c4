import type { FastifyBaseLogger } from 'fastify'
import type { ResolvedOptions } from '../options.js'
import { SessionRecords } from '../sessions/records.js'
import { MemoryStore } from './memory-store.js'
import { RedisStore } from './redis-store.js'
import { Sealer } from './sealer.js'
import type { SharedStore } from './store.js'

/** The store the options ask for, and the server session records with `sessions: 'server'`. */
export interface SharedState {
  store: SharedStore
  records?: SessionRecords
  /** Seals what leaves the process (Redis values, the server session id). */
  sealer: Sealer
  /** Seconds a server session lives: the cookie's life, or the refresh token's with `refreshFlow`. */
  sessionLifetime: number
}

/** Builds and starts the store: memory without `redis`; Redis (subscribed) with it. */
export async function sharedState (options: ResolvedOptions, log: FastifyBaseLogger): Promise<SharedState> {
  const sealer = new Sealer(options.secrets, 'store key')
  const sessionLifetime = options.refreshFlow ? Math.max(options.cookieMaxAge, options.refreshCookieMaxAge) : options.cookieMaxAge
  if (options.redis === undefined) return { store: new MemoryStore(), sealer, sessionLifetime }
  const store = new RedisStore(options.redis, { prefix: options.redisPrefix, timeout: options.requestTimeout, sealer, log })
  const records = options.sessions === 'server' ? new SessionRecords(store, sealer, sessionLifetime, options.tokenCacheSize) : undefined
  await store.start()
  return { store, records, sealer, sessionLifetime }
}
