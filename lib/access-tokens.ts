import { JWKS_MAX_AGE } from './jwks.js'
import { loginIdOf } from './login-id.js'
import type { RevocationCheck } from './revocation-check.js'
import type { SealedRefresh } from './session.js'
import { MemoryStore } from './store/memory-store.js'
import type { End, SharedStore } from './store/store.js'
import { VerifiedTokenCache } from './token-cache.js'
import { TokenRejected, type AccessTokenClaims, type CognitoVerifier } from './verifier.js'

/** Cognito's longest access-token lifetime: a login known only by its id in the session is ended for this long. */
const MAX_ACCESS_TTL = 86_400

/** What a logout knows of the login it ends; each part is optional, since any cookie may be missing. */
export interface EndingLogin {
  accessToken?: string
  /** The sealed refresh cookie (or server session's refresh), which the plugin itself wrote. */
  refresh?: SealedRefresh
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
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * Access tokens as requests present them: verified once per process (then served from a cache that returns claims
 * only for the whole, equal token, until `exp`), checked against the accepted clients, and refused once their login
 * was ended by a logout or `endSessions` (here, or on any instance with `redis`); the refresh path asks the same list.
 */
export class AccessTokens {
  private readonly cache: VerifiedTokenCache<AccessTokenClaims>
  private readonly store: SharedStore
  private readonly revocation: RevocationCheck | undefined

  constructor (private readonly verifier: Pick<CognitoVerifier, 'verifyAccessToken'>, private readonly options: AccessTokensOptions) {
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

  /**
   * Whether the token was issued (by its `iat`, within the leeway) by the end of its login, or its login began (by
   * `auth_time`) by the end of its user's sessions, as far as this process knows now.
   */
  isEnded (claims: AccessTokenClaims, now = nowSeconds()): boolean {
    if (!this.store.hasEnds) return false
    const loginEnded = this.store.endedAt(loginKey(loginIdOf(claims)), now)
    if (loginEnded !== undefined && claims.iat <= loginEnded + this.options.leeway) return true
    const userEnded = this.store.endedAt(userKey(claims.sub), now)
    return userEnded !== undefined && (typeof claims.auth_time === 'number' ? claims.auth_time : claims.iat) <= userEnded
  }

  /** Whether this refresh was sealed (in seconds) by the end of its login, as far as this process knows now. */
  private sealedBeforeEnd (refresh: SealedRefresh, now: number): boolean {
    const ended = this.store.endedAt(loginKey(refresh.loginId), now)
    return ended !== undefined && Math.floor(refresh.at / 1000) <= ended
  }

  /** Whether this refresh was sealed by the end of its login: it must not reach Cognito, nor its result be used. */
  async isRefreshEnded (refresh: SealedRefresh): Promise<boolean> {
    const now = nowSeconds()
    await this.store.load([loginKey(refresh.loginId)], now)
    return this.sealedBeforeEnd(refresh, now)
  }

  /** Whether a refresh's result must be refused: its login or its user's sessions were ended, or its refresh sealed before an end. */
  async refreshRefused (refresh: SealedRefresh, claims: AccessTokenClaims): Promise<boolean> {
    const now = nowSeconds()
    await this.store.load([loginKey(loginIdOf(claims)), userKey(claims.sub), loginKey(refresh.loginId)], now)
    return this.isEnded(claims, now) || this.sealedBeforeEnd(refresh, now)
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

  /** The end of login `loginId` at `now`, kept until `until` (plus the leeway). */
  private loginEnd (loginId: string, until: number, now: number): End {
    return { key: loginKey(loginId), at: now, until: until + this.options.leeway }
  }

  /**
   * Ends a login here (and, with `redis`, on every instance), one key per login id: from its access token (when it
   * verifies and is this client's), the session and the refresh, each kept as long as anything issued before now
   * could be presented. Returns false when the local list was full of live entries and dropped one.
   */
  async endLogin ({ accessToken, refresh, loginId }: EndingLogin): Promise<boolean> {
    const now = nowSeconds()
    const { clientId, refreshLifetime } = this.options
    const ends: End[] = []
    const claims = accessToken === undefined ? undefined : await this.claims(accessToken, new Set([clientId])).catch(() => undefined)
    // A token minted just before logout lives at most as long as this one did.
    if (claims !== undefined) ends.push(this.loginEnd(loginIdOf(claims), Math.max(claims.exp, now + claims.exp - claims.iat), now))
    if (loginId !== undefined) ends.push(this.loginEnd(loginId, now + MAX_ACCESS_TTL, now))
    // A refresh sealed before now (rotated ones included) lives at most this long.
    if (refresh !== undefined) ends.push(this.loginEnd(refresh.loginId, now + refreshLifetime, now))
    return ends.length === 0 ? true : await this.store.end(ends, now)
  }

  /** Ends every login of `sub` that began by now (its tokens and refreshes), here and, with `redis`, everywhere. */
  async endUser (sub: string): Promise<void> {
    const now = nowSeconds()
    const horizon = Math.max(MAX_ACCESS_TTL, this.options.refreshLifetime) + this.options.leeway
    await this.store.end([{ key: userKey(sub), at: now, until: now + horizon }], now)
  }
}
