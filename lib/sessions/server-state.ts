import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CookieStore } from '../cookies.js'
import type { LoginTransaction } from '../login.js'
import { LoginState, type SavedLogin } from '../login-state.js'
import { MAX_PENDING_LOGINS, type CookieNames, type SealedRefresh, type SessionCodec, type SessionData } from '../session.js'
import type { Sealer } from '../store/sealer.js'
import type { ServerRecord, SessionRecords } from './records.js'

/** The session as this request sees it: its id (from the sealed cookie) and record, or none. */
interface Current { id?: string, record: ServerRecord | null }

/**
 * `sessions: 'server'`: the browser's cookie carries only a random session id, sealed (about 70 characters whatever
 * the tokens weigh); pending logins, the login and its tokens live in Redis. Reads are synchronous once `prepare`
 * has found the record (in memory, or in Redis); writes go to Redis and are awaited by `flush` before the answer.
 */
export class ServerLoginState extends LoginState {
  private readonly current = new WeakMap<FastifyRequest, Current>()
  private readonly writes = new WeakMap<FastifyRequest, Promise<void>>()
  /** Cookie values already opened (decrypting one costs more than the rest of a request), bounded like the records. */
  private readonly opened = new Map<string, string>()
  private readonly context: string

  /** `lifetime`: seconds the id cookie lives, as long as the record (the refresh token's life with `refreshFlow`). */
  constructor (
    cookies: CookieStore,
    codec: SessionCodec,
    names: CookieNames,
    private readonly records: SessionRecords,
    private readonly sealer: Sealer,
    private readonly lifetime: number,
    private readonly maxOpened: number,
    tenant?: string
  ) {
    super(cookies, codec, lifetime, names)
    // A tenant's ids are sealed for it alone: one tenant's cookie value opens no session on another.
    this.context = tenant === undefined ? 'session id' : `session id of tenant ${tenant}`
  }

  override get writesLater (): boolean {
    return true
  }

  override prepare (request: FastifyRequest): Promise<void> | undefined {
    if (this.current.has(request)) return undefined
    const cookie = this.cookies.read(request, this.names.session)
    const id = cookie === undefined ? undefined : this.idOf(cookie)
    if (cookie !== undefined && id === undefined) request.log.debug('fastify-cognito-auth: session id cookie refused (not sealed by this app)')
    const known = id === undefined ? undefined : this.records.known(id)
    if (id === undefined || known !== undefined) {
      this.current.set(request, { id, record: known ?? null })
      return undefined
    }
    return this.records.read(id).then((record) => { this.current.set(request, { id, record }) })
  }

  /** The id sealed in a cookie value; values opened before are found by whole-string equality, without decrypting again. */
  private idOf (cookie: string): string | undefined {
    const known = this.opened.get(cookie)
    if (known !== undefined) return known
    const id = this.sealer.open(cookie, this.context)
    if (id !== undefined) this.remember(cookie, id)
    return id
  }

  private remember (cookie: string, id: string): void {
    if (this.opened.size >= this.maxOpened) this.opened.delete(this.opened.keys().next().value as string)
    this.opened.set(cookie, id)
  }

  override flush (request: FastifyRequest): Promise<void> | undefined {
    return this.writes.get(request)
  }

  private record (request: FastifyRequest): ServerRecord | null {
    return this.current.get(request)?.record ?? null
  }

  override session (request: FastifyRequest): SessionData | null {
    const record = this.record(request)
    return record === null ? null : { pending: record.pending, login: record.login }
  }

  override accessToken (request: FastifyRequest): string | undefined {
    return this.record(request)?.accessToken
  }

  override refreshToken (request: FastifyRequest): SealedRefresh | undefined {
    return this.record(request)?.refresh
  }

  /** Queues a Redis write for this request; a failure reaches `flush`, or only the log when nobody waits. */
  private queue (request: FastifyRequest, work: () => Promise<void>): void {
    const done = (this.writes.get(request) ?? Promise.resolve()).then(work)
    done.catch((err: Error) => request.log.warn({ reason: err.message }, 'fastify-cognito-auth: server session write failed'))
    this.writes.set(request, done)
  }

  /** Stores `record` under the request's session, or under a new id (and cookie) when `fresh` or there is none. */
  private put (request: FastifyRequest, reply: FastifyReply, record: ServerRecord, fresh: boolean): void {
    const previous = this.current.get(request)
    const id = fresh || previous?.id === undefined ? randomBytes(18).toString('base64url') : previous.id
    if (id !== previous?.id) {
      const sealed = this.sealer.seal(id, this.context)
      this.remember(sealed, id)
      this.cookies.write(request, reply, this.names.session, sealed, this.lifetime)
    }
    this.current.set(request, { id, record })
    this.queue(request, async () => await this.records.write(id, record))
  }

  override saveTransaction (request: FastifyRequest, reply: FastifyReply, tx: LoginTransaction): void {
    const record = this.record(request) ?? {}
    this.put(request, reply, { ...record, pending: [tx, ...(record.pending ?? [])].slice(0, MAX_PENDING_LOGINS) }, false)
  }

  /** A new login gets a new id (no fixation); a refresh of the same login keeps it, so its other requests find it. */
  override save (request: FastifyRequest, reply: FastifyReply, { accessToken, refreshToken, login }: SavedLogin, pending: LoginTransaction[] = []): void {
    const old = this.record(request)
    const sameLogin = old?.login !== undefined && old.login.loginId === login.loginId
    // Sealed with its login and time, as the refresh cookie is: a logout refuses what was stored before it.
    const refresh = refreshToken === undefined ? (sameLogin ? old.refresh : undefined) : { token: refreshToken, loginId: login.loginId, at: Date.now() }
    const record: ServerRecord = { login, accessToken, refresh }
    if (pending.length > 0) record.pending = pending
    this.put(request, reply, record, !sameLogin)
  }

  override dropPending (request: FastifyRequest, reply: FastifyReply, session: SessionData | null): void {
    const record = this.record(request)
    if (session?.login === undefined || record === null) this.clear(request, reply)
    else if (record.pending !== undefined) this.put(request, reply, { ...record, pending: undefined }, false)
  }

  override clearAccessToken (request: FastifyRequest, reply: FastifyReply): void {
    const record = this.record(request)
    if (record?.accessToken !== undefined) this.put(request, reply, { ...record, accessToken: undefined }, false)
  }

  override clear (request: FastifyRequest, reply: FastifyReply): void {
    const previous = this.current.get(request)
    this.cookies.clear(request, reply, this.names.session)
    this.current.set(request, { record: null })
    const id = previous?.id
    if (id !== undefined) this.queue(request, async () => await this.records.delete(id, previous?.record?.login?.sub))
  }
}
