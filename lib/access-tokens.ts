import { EndedLogins } from './ended-logins.js'
import { JWKS_MAX_AGE } from './jwks.js'
import { loginIdOf } from './login-id.js'
import type { SealedRefresh } from './session.js'
import { VerifiedTokenCache } from './token-cache.js'
import { TokenRejected, type AccessTokenClaims, type CognitoVerifier } from './verifier.js'

/** Cognito's longest access-token lifetime: a login known only by its id in the session is ended for this long. */
const MAX_ACCESS_TTL = 86_400

/** What a logout knows of the login it ends; each part is optional, since any cookie may be missing. */
export interface EndingLogin {
  accessToken?: string
  /** The sealed refresh cookie, which the plugin itself wrote. */
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
}

const loginKey = (loginId: string): string => `login:${loginId}`
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * Access tokens as requests present them: verified once per process (then served from a cache that returns claims
 * only for the whole, equal token, until `exp`), checked against the accepted clients, and refused once their login
 * was ended by a logout here; the refresh path asks the same list.
 */
export class AccessTokens {
  private readonly cache: VerifiedTokenCache<AccessTokenClaims>
  private readonly ended = new EndedLogins()

  constructor (private readonly verifier: Pick<CognitoVerifier, 'verifyAccessToken'>, private readonly options: AccessTokensOptions) {
    this.cache = new VerifiedTokenCache(10_000, options.leeway, JWKS_MAX_AGE)
  }

  /** Why verified claims are not accepted for `clientIds` now, or undefined when they are. */
  private refusal (claims: AccessTokenClaims, clientIds: ReadonlySet<string>, now: number): string | undefined {
    if (!clientIds.has(claims.client_id)) return 'client_id is not accepted'
    if (this.isEnded(claims, now)) return 'the login was ended by logout'
    return undefined
  }

  /** Whether the token was issued (by its `iat`, within the leeway) before a logout here ended its login. */
  isEnded (claims: AccessTokenClaims, now = nowSeconds()): boolean {
    if (this.ended.size === 0) return false
    const at = this.ended.endedAt(loginKey(loginIdOf(claims)), now)
    return at !== undefined && claims.iat * 1000 <= at + this.options.leeway * 1000
  }

  /** Whether this refresh cookie was sealed before a logout ended its login: it must not reach Cognito, nor its result be used. */
  isRefreshEnded (refresh: SealedRefresh): boolean {
    if (this.ended.size === 0) return false
    const at = this.ended.endedAt(loginKey(refresh.loginId), nowSeconds())
    return at !== undefined && refresh.at <= at
  }

  /** The claims of a token this process has verified and still accepts for `clientIds`; undefined otherwise (no throw, no await). */
  cached (token: string, clientIds: ReadonlySet<string>): AccessTokenClaims | undefined {
    const now = nowSeconds()
    const claims = this.cache.get(token, now)
    return claims === undefined || this.refusal(claims, clientIds, now) !== undefined ? undefined : claims
  }

  /** The token's claims, verifying it when this process has not; `TokenRejected` says why not. */
  async claims (token: string, clientIds: ReadonlySet<string>): Promise<AccessTokenClaims> {
    const now = nowSeconds()
    let claims = this.cache.get(token, now)
    if (claims === undefined) {
      claims = await this.verifier.verifyAccessToken(token)
      this.cache.set(token, claims, now)
    }
    const refusal = this.refusal(claims, clientIds, now)
    if (refusal !== undefined) throw new TokenRejected(refusal)
    return claims
  }

  /**
   * Ends a login in this process, one entry per login id: from its access token (when it verifies and is this
   * client's), the session and the refresh cookie, kept as long as anything issued before now could be presented.
   * Returns false when the list was full of live entries and dropped one.
   */
  async endLogin ({ accessToken, refresh, loginId }: EndingLogin): Promise<boolean> {
    const now = nowSeconds()
    const at = Date.now()
    const { clientId, leeway, refreshLifetime } = this.options
    let kept = true
    const end = (id: string, until: number): void => { kept = this.ended.end(loginKey(id), at, until + leeway, now) && kept }
    const claims = accessToken === undefined ? undefined : await this.claims(accessToken, new Set([clientId])).catch(() => undefined)
    // A token minted just before logout lives at most as long as this one did.
    if (claims !== undefined) end(loginIdOf(claims), Math.max(claims.exp, now + claims.exp - claims.iat))
    if (loginId !== undefined) end(loginId, now + MAX_ACCESS_TTL)
    // A refresh cookie sealed before now (rotated ones included) lives at most this long.
    if (refresh !== undefined) end(refresh.loginId, now + refreshLifetime)
    return kept
  }
}
