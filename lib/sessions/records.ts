import type { LoginTransaction } from '../login.js'
import type { LoginRecord, SealedRefresh } from '../session.js'
import type { RedisStore } from '../store/redis-store.js'
import type { Sealer } from '../store/sealer.js'

/** What `sessions: 'server'` keeps in Redis for one browser: what the cookies carry in cookie mode. */
export interface ServerRecord {
  pending?: LoginTransaction[]
  login?: LoginRecord
  accessToken?: string
  /** The refresh token with its login and when it was stored, as the refresh cookie seals it. */
  refresh?: SealedRefresh
  /** Milliseconds since the epoch when Redis drops it: an instance's copy in memory goes then too. */
  expiresAt?: number
}

/**
 * Server sessions in Redis, sealed (they hold tokens), each under `sess:<id>` with a TTL of the cookie's life, and
 * listed per user (`user-sessions:<sub>`) for `endSessions`. Instances keep the records they read in memory and drop
 * one when any instance publishes a change to it, so a request whose session is known here makes no round trip.
 */
export class SessionRecords {
  private readonly local = new Map<string, ServerRecord>()

  constructor (private readonly store: RedisStore, private readonly sealer: Sealer, private readonly ttlSeconds: number, private readonly maxLocal: number) {
    store.listen('sessions', (id) => this.local.delete(id))
    store.onResync(() => this.local.clear())
  }

  /** The record known here, or undefined when it must be read from Redis. */
  known (id: string): ServerRecord | undefined {
    const record = this.local.get(id)
    if (record === undefined || (record.expiresAt ?? 0) > Date.now()) return record
    this.local.delete(id)
    return undefined
  }

  /** The record of `id` from Redis; null for an unknown, expired, ended or unreadable one. */
  async read (id: string): Promise<ServerRecord | null> {
    const key = this.store.key(`sess:${id}`)
    const sealed = await this.store.command('GET', [key])
    const plain = typeof sealed === 'string' ? this.sealer.open(sealed, key) : undefined
    if (plain === undefined) return null
    const record = JSON.parse(plain) as ServerRecord
    this.remember(id, record)
    return record
  }

  async write (id: string, written: ServerRecord): Promise<void> {
    const key = this.store.key(`sess:${id}`)
    const record = { ...written, expiresAt: Date.now() + this.ttlSeconds * 1000 }
    this.remember(id, record)
    await this.store.command('SET', [key, this.sealer.seal(JSON.stringify(record), key), 'EX', this.ttlSeconds])
    if (record.login !== undefined) {
      const list = this.store.key(`user-sessions:${record.login.sub}`)
      await Promise.all([this.store.command('SADD', [list, id]), this.store.command('EXPIRE', [list, this.ttlSeconds])])
    }
    await this.store.command('PUBLISH', [this.store.key('sessions'), id])
  }

  async delete (id: string, sub?: string): Promise<void> {
    this.local.delete(id)
    await Promise.all([
      this.store.command('DEL', [this.store.key(`sess:${id}`)]),
      sub === undefined ? undefined : this.store.command('SREM', [this.store.key(`user-sessions:${sub}`), id])
    ])
    await this.store.command('PUBLISH', [this.store.key('sessions'), id])
  }

  /** Deletes every session of `sub`, on every instance. */
  async deleteUser (sub: string): Promise<void> {
    const list = this.store.key(`user-sessions:${sub}`)
    const ids = await this.store.command('SMEMBERS', [list]) as string[]
    await Promise.all(ids.map(async (id) => await this.delete(id)))
    await this.store.command('DEL', [list])
  }

  private remember (id: string, record: ServerRecord): void {
    this.local.delete(id)
    if (this.local.size >= this.maxLocal) this.local.delete(this.local.keys().next().value as string)
    this.local.set(id, record)
  }
}
