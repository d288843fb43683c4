import { randomBytes, randomUUID } from 'node:crypto'
import type { PoolConfig, PoolUser } from './pool-config.js'
import { createSigningKey, opaqueRefreshToken, type SigningKey } from './keys.js'

/** A fault the token endpoint plays instead of answering normally. */
export interface TokenFault {
  /** HTTP status to answer with (default 500). */
  status?: number
  /** Raw body to answer with (default Cognito's `{"error":"server_error"}` JSON shape). */
  body?: string
  /** Default `application/json;charset=UTF-8`. */
  contentType?: string
  /** Wait this long before answering (or before the normal answer, when no status is set). */
  delayMs?: number
  /** Close the connection without answering. */
  destroy?: boolean
  /** How many requests it applies to; unlimited when absent. */
  times?: number
}

export interface CodeGrant {
  clientId: string
  redirectUri: string
  username: string
  scopes: string[]
  nonce?: string
  codeChallenge?: string
  authTime: number
  expiresAt: number
}

export interface RefreshGrant {
  clientId: string
  username: string
  scopes: string[]
  authTime: number
  originJti: string
  /** The login's absolute end: a rotated token keeps the expiry of the one it replaces. */
  loginExpiresAt: number
  /** This token's end: the login's, or sooner once rotated out (the retry grace period). */
  expiresAt: number
}

/** A hosted-UI sign-in session: who, since when (`auth_time`), until when. */
export interface HostedSession { username: string, authTime: number, expiresAt: number }

/** A sign-in form the emulator served: its CSRF token is good only for that form's query, once, until it expires. */
export interface SignInForm { search: string, expiresAt: number }

/** The user pool's changing state: keys, grants, sessions, the clock, faults and counters. */
export class Pool {
  domain = ''
  issuer = ''
  clockOffset = 0
  jwksAvailable = true
  tokenFault: TokenFault | null = null
  readonly stats = { jwksRequests: 0, tokenRequests: 0, userInfoRequests: 0, revokeRequests: 0 }
  readonly codes = new Map<string, CodeGrant>()
  readonly refreshTokens = new Map<string, RefreshGrant>()
  readonly sessions = new Map<string, HostedSession>()
  readonly forms = new Map<string, SignInForm>()
  /** `origin_jti` of revoked logins, until the last access token they issued has expired. */
  readonly revokedOrigins = new Map<string, number>()
  /** Users signed out everywhere (AdminUserGlobalSignOut), by username: when, until their last token has expired. */
  readonly globalSignOuts = new Map<string, { at: number, until: number }>()
  /** Aborted when the emulator closes, ending any delay a fault is playing. */
  readonly closing = new AbortController()
  /** Keys no longer signing but still published, as after a Cognito key rotation. */
  readonly retiredKeys: SigningKey[] = []
  private purgedAt = 0

  private constructor (readonly config: PoolConfig, public idKey: SigningKey, public accessKey: SigningKey) {}

  static async create (config: PoolConfig): Promise<Pool> {
    const [idKey, accessKey] = await Promise.all([createSigningKey(), createSigningKey()])
    return new Pool(config, idKey, accessKey)
  }

  /** Seconds since the epoch, shifted by the clock offset. */
  now (): number {
    return Math.floor(Date.now() / 1000) + this.clockOffset
  }

  /** Drops every code, session, form, refresh token and revocation past its expiry; at most once per second of pool time. */
  purge (): void {
    const now = this.now()
    if (now === this.purgedAt) return
    this.purgedAt = now
    for (const map of [this.codes, this.refreshTokens, this.sessions, this.forms]) {
      for (const [key, { expiresAt }] of map) if (expiresAt <= now) map.delete(key)
    }
    for (const [origin, until] of this.revokedOrigins) if (until <= now) this.revokedOrigins.delete(origin)
    for (const [username, { until }] of this.globalSignOuts) if (until <= now) this.globalSignOuts.delete(username)
  }

  publishedKeys (): SigningKey[] {
    return [this.idKey, this.accessKey, ...this.retiredKeys]
  }

  async rotateKeys (): Promise<void> {
    const [idKey, accessKey] = await Promise.all([createSigningKey(), createSigningKey()])
    this.retiredKeys.unshift(this.idKey, this.accessKey)
    this.idKey = idKey
    this.accessKey = accessKey
  }

  newSession (username: string, authTime: number): string {
    const sid = randomBytes(24).toString('base64url')
    this.sessions.set(sid, { username, authTime, expiresAt: this.now() + this.config.ttl.session })
    return sid
  }

  session (sid: string | undefined): { user: PoolUser, authTime: number } | undefined {
    const session = sid === undefined ? undefined : this.sessions.get(sid)
    if (session === undefined || session.expiresAt <= this.now()) return undefined
    const user = this.config.users.get(session.username)
    return user === undefined ? undefined : { user, authTime: session.authTime }
  }

  newForm (search: string): string {
    const csrf = randomBytes(18).toString('base64url')
    this.forms.set(csrf, { search, expiresAt: this.now() + this.config.ttl.session })
    return csrf
  }

  /** Spends a form's CSRF token: true only for a token this pool served for this very query, still fresh. */
  spendForm (csrf: string, search: string): boolean {
    const form = this.forms.get(csrf)
    this.forms.delete(csrf)
    return form !== undefined && form.search === search && form.expiresAt > this.now()
  }

  newCode (grant: Omit<CodeGrant, 'expiresAt'>): string {
    const code = randomUUID()
    this.codes.set(code, { ...grant, expiresAt: this.now() + this.config.ttl.code })
    return code
  }

  newRefreshToken (grant: Omit<RefreshGrant, 'expiresAt' | 'loginExpiresAt'>, loginExpiresAt = this.now() + this.config.ttl.refresh): string {
    const token = opaqueRefreshToken()
    this.refreshTokens.set(token, { ...grant, loginExpiresAt, expiresAt: loginExpiresAt })
    return token
  }

  /** AdminUserGlobalSignOut: every refresh token of the user is revoked, and their tokens issued until now refused at userInfo. */
  globalSignOut (username: string): void {
    for (const [token, grant] of this.refreshTokens) if (grant.username === username) this.refreshTokens.delete(token)
    const now = this.now()
    this.globalSignOuts.set(username, { at: now, until: now + Math.max(this.config.ttl.access, this.config.ttl.id) })
  }

  /** Whether a token of `username` issued at `iat` was ended by a global sign-out. */
  signedOut (username: unknown, iat: unknown): boolean {
    const signOut = typeof username === 'string' ? this.globalSignOuts.get(username) : undefined
    return signOut !== undefined && typeof iat === 'number' && iat <= signOut.at
  }

  /** Ends a login: every refresh token of it (a rotation chain included), and its access tokens at userInfo. */
  revokeLogin (originJti: string): void {
    for (const [token, grant] of this.refreshTokens) if (grant.originJti === originJti) this.refreshTokens.delete(token)
    this.revokedOrigins.set(originJti, this.now() + Math.max(this.config.ttl.access, this.config.ttl.id))
  }
}
