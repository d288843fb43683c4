import { createHash } from 'node:crypto'
import { EndedLogins } from './ended-logins.js'
import { JWKS_MAX_AGE } from './jwks.js'
import { loginIdOf } from './login-id.js'
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
}

const loginKey = (loginId: string): string => `login:${loginId}`
const refreshKey = (refreshToken: string): string => `refresh:${createHash('sha256').update(refreshToken).digest('base64url')}`
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * Access tokens as requests present them: verified once per process (then served from a cache that returns claims
 * only for the whole, equal token, until `exp`), checked against the accepted clients, and refused once their login
 * was ended by `/logout` here; the refresh path asks the same list.
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

  /** Whether the login these claims belong to was ended here. */
  isEnded (claims: AccessTokenClaims, now = nowSeconds()): boolean {
    return this.ended.size > 0 && this.ended.has(loginKey(loginIdOf(claims)), now)
  }

  /** Whether this refresh token's login was ended here: it must not be sent to Cognito, nor its result used. */
  isRefreshEnded (refreshToken: string): boolean {
    return this.ended.size > 0 && this.ended.has(refreshKey(refreshToken), nowSeconds())
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
   * Ends a login in this process: its access token (when it verifies and is this client's), its login id from the
   * session, and its refresh token. Returns false when the list was full of live entries and dropped one.
   */
  async endLogin ({ accessToken, refreshToken, loginId }: EndingLogin): Promise<boolean> {
    const now = nowSeconds()
    const { clientId, leeway, refreshLifetime } = this.options
    let kept = true
    const end = (key: string, until: number): void => { kept = this.ended.end(key, until + leeway, now) && kept }
    const claims = accessToken === undefined ? undefined : await this.claims(accessToken, new Set([clientId])).catch(() => undefined)
    const fromToken = claims === undefined ? undefined : loginIdOf(claims)
    if (claims !== undefined) end(loginKey(loginIdOf(claims)), Math.max(claims.exp, now + claims.exp - claims.iat))
    if (loginId !== undefined && loginId !== fromToken) end(loginKey(loginId), now + MAX_ACCESS_TTL)
    if (refreshToken !== undefined) end(refreshKey(refreshToken), now + refreshLifetime)
    return kept
  }
}
