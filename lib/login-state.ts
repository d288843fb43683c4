import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CookieStore } from './cookies.js'
import type { LoginTransaction } from './login.js'
import { MAX_PENDING_LOGINS, type CookieNames, type LoginRecord, type SealedRefresh, type SessionCodec, type SessionData } from './session.js'

export interface SavedLogin {
  accessToken: string
  /** Kept only with `refreshFlow`; absent after a refresh that did not rotate it. */
  refreshToken?: string
  login: LoginRecord
}

/** Reads and writes the browser's login state: the encrypted session, the access token and the encrypted refresh token. */
export class LoginState {
  constructor (
    protected readonly cookies: CookieStore,
    private readonly codec: SessionCodec,
    private readonly refreshCookieMaxAge: number,
    readonly names: CookieNames
  ) {}

  /** Whether writes reach their store only at `flush` (server sessions), rather than with the reply's cookies. */
  get writesLater (): boolean {
    return false
  }

  /** Reads what the reads below need when it is not at hand (server sessions); undefined when nothing is to wait for. */
  prepare (_request: FastifyRequest): Promise<void> | undefined {
    return undefined
  }

  /** Waits for this request's writes (server sessions), so the next request finds them on any instance. */
  flush (_request: FastifyRequest): Promise<void> | undefined {
    return undefined
  }

  session (request: FastifyRequest): SessionData | null {
    const value = this.cookies.read(request, this.names.session)
    return value === undefined ? null : this.codec.openSession(value, request.log)
  }

  accessToken (request: FastifyRequest): string | undefined {
    return this.cookies.read(request, this.names.access)
  }

  refreshToken (request: FastifyRequest): SealedRefresh | undefined {
    const value = this.cookies.read(request, this.names.refresh)
    return value === undefined ? undefined : this.codec.openRefreshToken(value, request.log) ?? undefined
  }

  /** Starts a login, next to the few other tabs' logins in progress (any earlier login stays until the callback). */
  saveTransaction (request: FastifyRequest, reply: FastifyReply, tx: LoginTransaction): void {
    const session = this.session(request)
    const pending = [tx, ...(session?.pending ?? [])].slice(0, MAX_PENDING_LOGINS)
    this.cookies.write(request, reply, this.names.session, this.codec.sealSession({ ...session, pending }))
  }

  /**
   * Replaces the session (never amends its login) and sets the tokens, after a login or a refresh. Other tabs'
   * logins in progress, if given, stay pending so they can complete too.
   */
  save (request: FastifyRequest, reply: FastifyReply, { accessToken, refreshToken, login }: SavedLogin, pending: LoginTransaction[] = []): void {
    this.cookies.write(request, reply, this.names.session, this.codec.sealSession(pending.length > 0 ? { login, pending } : { login }))
    this.cookies.write(request, reply, this.names.access, accessToken)
    if (refreshToken !== undefined) {
      const sealed = this.codec.sealRefreshToken({ token: refreshToken, loginId: login.loginId, at: Date.now() })
      this.cookies.write(request, reply, this.names.refresh, sealed, this.refreshCookieMaxAge)
    }
  }

  /** Ends the logins in progress and keeps the login itself: a refused callback must not log the user out. */
  dropPending (request: FastifyRequest, reply: FastifyReply, session: SessionData | null): void {
    if (session?.login === undefined) this.cookies.clear(request, reply, this.names.session)
    else if (session.pending !== undefined) this.cookies.write(request, reply, this.names.session, this.codec.sealSession({ login: session.login }))
  }

  clearAccessToken (request: FastifyRequest, reply: FastifyReply): void {
    this.cookies.clear(request, reply, this.names.access)
  }

  clear (request: FastifyRequest, reply: FastifyReply): void {
    for (const name of [this.names.session, this.names.access, this.names.refresh]) this.cookies.clear(request, reply, name)
  }
}
