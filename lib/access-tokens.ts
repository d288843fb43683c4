import { createHash } from 'node:crypto'
import { JWKS_MAX_AGE } from './jwks.js'
import { loginIdOf } from './login-id.js'
import type { RevocationCheck } from './revocation-check.js'
import { MemoryStore } from './store/memory-store.js'
import type { End, SharedStore } from './store/store.js'
import { VerifiedTokenCache } from './token-cache.js'
import { TokenRejected, type AccessTokenClaims, type CognitoVerifier } from './verifier.js'

/** Cognito's longest access-token lifetime: a login known only by its id in the session is ended for this long. */
const MAX_ACCESS_TTL = 86_400

/** What `/logout` knows of the login it ends; each part is optional, since any cookie may be missing. */
export interface EndingLogin {
  accessToken?: string
  refreshToken?: string
  /** `loginIdOf` its tokens, from the sealed session, which the plugin itself wrote. */
  loginId?: string
}

export interface AccessTokensOptions {
  /** The app's own client: only its tokens can end a login (another client's holder must not fill the list). */
  clientId: string
  leeway: number
  /** Seconds the sealed refresh cookie lives: a copy of it is refused this long after logout. */
  refreshLifetime: number
  /** Verified tokens kept (option `tokenCacheSize`). Default 10,000. */
  cacheSize?: number
  /** Where ends are recorded and read: this process (default), or every instance. */
  store?: SharedStore
  /** Option `revocationCheck`, when set. */
  revocation?: RevocationCheck
}

const loginKey = (loginId: string): string => `login:${loginId}`
const userKey = (sub: string): string => `user:${sub}`
const refreshKey = (refreshToken: string): string => `refresh:${createHash('sha256').update(refreshToken).digest('base64url')}`
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * Access tokens as requests present them: verified once per process (then served from a cache that returns claims
 * only for the whole, equal token, until `exp`), checked against the accepted clients, and refused once their login
 * was ended by `/logout` or `endSessions` (here, or on any instance with `redis`); the refresh path asks the same list.
 */
export class AccessTokens {
  private readonly cache: VerifiedTokenCache<AccessTokenClaims>
  private readonly store: SharedStore
  private readonly revocation: RevocationCheck | undefined

  constructor (private readonly verifier: CognitoVerifier, private readonly options: AccessTokensOptions) {
    this.cache = new VerifiedTokenCache(options.cacheSize ?? 10_000, options.leeway, JWKS_MAX_AGE)
    this.store = options.store ?? new MemoryStore()
    this.revocation = options.revocation
    // Ends missed while disconnected from Redis: every token is verified, and its login looked up, again.
    this.store.onResync(() => this.cache.clear())
  }

  /** Why verified claims are not accepted for `clientIds` now, or undefined when they are. */
  private refusal (claims: AccessTokenClaims, clientIds: ReadonlySet<string>, now: number): string | undefined {
    if (!clientIds.has(claims.client_id)) return 'client_id is not accepted'
    if (this.isEnded(claims, now)) return 'the login was ended by logout'
    return undefined
  }

  /** Whether the login these claims belong to was ended, as far as this process knows now. */
  isEnded (claims: AccessTokenClaims, now = nowSeconds()): boolean {
    if (!this.store.hasEnds) return false
    if (this.store.endedAt(loginKey(loginIdOf(claims)), now) !== undefined) return true
    const userEnded = this.store.endedAt(userKey(claims.sub), now)
    return userEnded !== undefined && (typeof claims.auth_time === 'number' ? claims.auth_time : claims.iat) <= userEnded
  }

  /** Whether this refresh token's login was ended: it must not be sent to Cognito, nor its result used. */
  async isRefreshEnded (refreshToken: string): Promise<boolean> {
    const now = nowSeconds()
    await this.store.load([refreshKey(refreshToken)], now)
    return this.store.endedAt(refreshKey(refreshToken), now) !== undefined
  }

  /** Whether a refresh's result must be refused: its login, its user's sessions, or its refresh token were ended. */
  async refreshRefused (refreshToken: string, claims: AccessTokenClaims): Promise<boolean> {
    const now = nowSeconds()
    await this.store.load([loginKey(loginIdOf(claims)), userKey(claims.sub), refreshKey(refreshToken)], now)
    return this.isEnded(claims, now) || this.store.endedAt(refreshKey(refreshToken), now) !== undefined
  }

  /** The claims of a token this process has verified and still accepts for `clientIds`; undefined otherwise (no throw, no await). */
  cached (token: string, clientIds: ReadonlySet<string>): AccessTokenClaims | undefined {
    const now = nowSeconds()
    const claims = this.cache.get(token, now)
    if (claims === undefined || this.refusal(claims, clientIds, now) !== undefined) return undefined
    return this.revocation?.due(claims, Date.now()) === true ? undefined : claims
  }

  /** The token's claims, verifying it when this process has not; `TokenRejected` says why not. */
  async claims (token: string, clientIds: ReadonlySet<string>): Promise<AccessTokenClaims> {
    const now = nowSeconds()
    let claims = this.cache.get(token, now)
    if (claims === undefined) {
      claims = await this.verifier.verifyAccessToken(token)
      // First seen here: whether another instance ended its login is asked once, before it is cached.
      const loading = this.store.load([loginKey(loginIdOf(claims)), userKey(claims.sub)], now)
      if (loading !== undefined) await loading
      this.cache.set(token, claims, now)
    }
    const refusal = this.refusal(claims, clientIds, now)
    if (refusal !== undefined) throw new TokenRejected(refusal)
    if (this.revocation?.due(claims, Date.now()) === true && await this.revocation.revoked(token, claims, Date.now())) {
      await this.store.end([this.loginEnd(loginIdOf(claims), Math.max(claims.exp, now + claims.exp - claims.iat), now)], now)
      throw new TokenRejected('Cognito reports the token revoked')
    }
    return claims
  }

  private loginEnd (loginId: string, until: number, now: number): End {
    return { key: loginKey(loginId), until: until + this.options.leeway, at: now }
  }

  /**
   * Ends a login here (and, with `redis`, on every instance): its access token (when it verifies and is this
   * client's), its login id from the session, and its refresh token. Returns false when the local list was full of
   * live entries and dropped one.
   */
  async endLogin ({ accessToken, refreshToken, loginId }: EndingLogin): Promise<boolean> {
    const now = nowSeconds()
    const { clientId, leeway, refreshLifetime } = this.options
    const ends: End[] = []
    const claims = accessToken === undefined ? undefined : await this.claims(accessToken, new Set([clientId])).catch(() => undefined)
    const fromToken = claims === undefined ? undefined : loginIdOf(claims)
    if (claims !== undefined) ends.push(this.loginEnd(loginIdOf(claims), Math.max(claims.exp, now + claims.exp - claims.iat), now))
    if (loginId !== undefined && loginId !== fromToken) ends.push(this.loginEnd(loginId, now + MAX_ACCESS_TTL, now))
    if (refreshToken !== undefined) ends.push({ key: refreshKey(refreshToken), until: now + refreshLifetime + leeway, at: now })
    return ends.length === 0 ? true : await this.store.end(ends, now)
  }

  /** Ends every login of `sub` that began by now (its tokens and refreshes), here and, with `redis`, everywhere. */
  async endUser (sub: string): Promise<void> {
    const now = nowSeconds()
    const horizon = Math.max(MAX_ACCESS_TTL, this.options.refreshLifetime) + this.options.leeway
    await this.store.end([{ key: userKey(sub), until: now + horizon, at: now }], now)
  }
}
