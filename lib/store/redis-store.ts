import type { FastifyBaseLogger } from 'fastify'
import { StoreUnavailableError } from '../errors.js'
import { MemoryStore } from './memory-store.js'
import type { RedisClient } from './redis-client.js'
import type { Sealer } from './sealer.js'
import type { End } from './store.js'

export interface RedisStoreOptions {
  /** Before every key and channel name, so several apps can share one Redis. */
  prefix: string
  /** Milliseconds a command may take before the request answers `FST_COGNITO_STORE_UNAVAILABLE`. */
  timeout: number
  /** Seals what holds tokens (refresh results). */
  sealer: Sealer
  log: FastifyBaseLogger
}

/** How long another instance's refresh result is reused: as long as a process reuses its own (refresh.ts). */
const RESULT_MS = 30_000

interface Waiter { promise: Promise<void>, cancel: () => void }

const isEnd = (value: unknown): value is End => typeof value === 'object' && value !== null &&
  typeof (value as End).key === 'string' && Number.isFinite((value as End).until) && Number.isFinite((value as End).at)

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** Records an end as `until:at`, keeping the later of each when the key was ended before (a shorter end must not shorten a longer one). */
const MERGE_END = `local v = redis.call('GET', KEYS[1])
local u, a = tonumber(ARGV[1]), tonumber(ARGV[2])
if v then
  local ou, oa = string.match(v, '^(%d+):(%d+)$')
  if ou then u = math.max(u, tonumber(ou)); a = math.max(a, tonumber(oa)) end
end
redis.call('SET', KEYS[1], string.format('%d:%d', u, a), 'PX', math.max(1, u - tonumber(ARGV[3])) * 1000)
return 1`

/**
 * The shared store on Redis. Reads stay local (the memory store's list, kept current by pub/sub on a `duplicate()`
 * connection), so a request with a token verified here makes no round trip; ends are written under a key with a TTL
 * (for instances that start later) and published. Commands are never queued: when Redis is not ready or slow, the
 * request that needs it gets `FST_COGNITO_STORE_UNAVAILABLE`, and a reconnect resyncs by itself.
 */
export class RedisStore extends MemoryStore {
  private readonly subscriber: RedisClient
  private readonly handlers = new Map<string, (message: string) => void>()
  private readonly waiters = new Map<string, Set<() => void>>()
  private readonly resync: Array<() => void> = []
  /** A refresh lock outlives one token call and one JWKS fetch. */
  private readonly lockMs: number

  constructor (private readonly redis: RedisClient, private readonly options: RedisStoreOptions) {
    super()
    this.lockMs = options.timeout * 2 + 1000
    this.subscriber = redis.duplicate()
    this.listen('ends', (message) => this.onEnds(message))
    this.listen('done', (id) => this.wake(id))
    this.subscriber.on('message', (channel: string, message: string) => this.handlers.get(channel)?.(message))
    this.subscriber.on('error', (err: { code?: string }) => options.log.warn({ code: err.code }, 'fastify-cognito-auth: Redis subscriber connection error'))
    let connected = false
    // Ends published while the subscriber was away were missed: whatever was built on the local view is dropped.
    this.subscriber.on('ready', () => {
      if (connected) for (const listener of this.resync) listener()
      connected = true
    })
  }

  /** Runs `handler` for each message on channel `name` (under the prefix); call before `start`. */
  listen (name: string, handler: (message: string) => void): void {
    this.handlers.set(`${this.options.prefix}${name}`, handler)
  }

  /** Subscribes; when Redis is down at start, the app still starts and the subscription follows the connection. */
  async start (): Promise<void> {
    await this.bounded(this.subscriber.subscribe(...this.handlers.keys())).catch((err: Error) => {
      this.options.log.warn({ reason: err.message }, 'fastify-cognito-auth: Redis subscription not ready at start')
    })
  }

  /** The key of `name` under the prefix. */
  key (name: string): string {
    return `${this.options.prefix}${name}`
  }

  /** One command, bounded; every failure is `FST_COGNITO_STORE_UNAVAILABLE`. */
  async command (name: string, args: Array<string | number>): Promise<unknown> {
    if (this.redis.status !== 'ready') throw new StoreUnavailableError(`Redis connection is ${this.redis.status}`)
    return await this.bounded(this.redis.call(name, args))
  }

  private async bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError('Redis did not answer in time')), this.options.timeout)
    })
    try {
      return await Promise.race([work, late])
    } catch (err) {
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(`Redis error ${(err as { code?: string }).code ?? (err as Error).name}`)
    } finally {
      clearTimeout(timer)
    }
  }

  override async end (ends: End[], now: number): Promise<boolean> {
    const kept = this.record(ends, now)
    await Promise.all([
      ...ends.map(async ({ key, until, at }) => await this.command('EVAL', [MERGE_END, 1, this.key(`end:${key}`), until, at, now])),
      this.command('PUBLISH', [this.key('ends'), JSON.stringify(ends)])
    ])
    return kept
  }

  private onEnds (message: string): void {
    try {
      const ends = JSON.parse(message) as unknown
      if (Array.isArray(ends)) this.record(ends.filter(isEnd), nowSeconds())
    } catch {
      this.options.log.warn('fastify-cognito-auth: unreadable message on the ends channel ignored')
    }
  }

  override async load (keys: string[], now: number): Promise<void> {
    const values = await this.command('MGET', keys.map((key) => this.key(`end:${key}`))) as Array<string | null>
    const ends: End[] = []
    values.forEach((value, i) => {
      const [until, at] = (value ?? '').split(':').map(Number)
      if (value !== null && Number.isFinite(until) && Number.isFinite(at)) ends.push({ key: keys[i] as string, until: until as number, at: at as number })
    })
    this.record(ends, now)
  }

  override async once<T>(id: string, run: () => Promise<T>): Promise<T> {
    const resultKey = this.key(`result:${id}`)
    for (let attempt = 0; ; attempt++) {
      // Listen before looking, so a result published in between still wakes this wait.
      const woken = this.waitFor(id)
      try {
        const done = await this.result<T>(resultKey)
        if (done !== undefined) return done
        if (await this.command('SET', [this.key(`lock:${id}`), '1', 'NX', 'PX', this.lockMs]) === 'OK') return await this.runShared(id, resultKey, run)
        let timer: NodeJS.Timeout | undefined
        await Promise.race([woken.promise, new Promise<void>((resolve) => { timer = setTimeout(resolve, this.lockMs) })])
        clearTimeout(timer)
        const after = await this.result<T>(resultKey)
        if (after !== undefined) return after
        // The instance holding the lock failed (its error is its own): take the lock once, then give up.
        if (attempt >= 1) throw new StoreUnavailableError('no instance completed the shared operation in time')
      } finally {
        woken.cancel()
      }
    }
  }

  private async runShared<T>(id: string, resultKey: string, run: () => Promise<T>): Promise<T> {
    try {
      const value = await run()
      await this.command('SET', [resultKey, this.options.sealer.seal(JSON.stringify({ value }), resultKey), 'PX', RESULT_MS])
      return value
    } catch (err) {
      await this.command('DEL', [this.key(`lock:${id}`)]).catch(() => {})
      throw err
    } finally {
      await this.command('PUBLISH', [this.key('done'), id]).catch(() => {})
    }
  }

  private async result<T>(resultKey: string): Promise<T | undefined> {
    const sealed = await this.command('GET', [resultKey])
    const plain = typeof sealed === 'string' ? this.options.sealer.open(sealed, resultKey) : undefined
    return plain === undefined ? undefined : (JSON.parse(plain) as { value: T }).value
  }

  private waitFor (id: string): Waiter {
    let wake!: () => void
    const promise = new Promise<void>((resolve) => { wake = resolve })
    const set = this.waiters.get(id) ?? new Set()
    set.add(wake)
    this.waiters.set(id, set)
    return {
      promise,
      cancel: () => {
        set.delete(wake)
        if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id)
      }
    }
  }

  private wake (id: string): void {
    for (const wake of this.waiters.get(id) ?? []) wake()
  }

  override async claimCheck (id: string, ms: number): Promise<boolean> {
    return await this.command('SET', [this.key(`checked:${id}`), '1', 'NX', 'PX', Math.max(1, Math.floor(ms))]) === 'OK'
  }

  override onResync (listener: () => void): void {
    this.resync.push(listener)
  }

  override async close (): Promise<void> {
    this.subscriber.disconnect()
  }
}
