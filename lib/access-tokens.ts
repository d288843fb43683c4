import type { LoggedOutLogins } from './logged-out.js'
import { VerifiedTokenCache } from './token-cache.js'
import { checkClient, TokenRejected, type AccessTokenClaims, type CognitoVerifier } from './verifier.js'

/**
 * Access tokens as requests present them: verified once per process (then served from a cache keyed by the whole
 * token, until `exp`), checked against the accepted clients, and refused once their login was ended by logout.
 */
export class AccessTokens {
  private readonly cache: VerifiedTokenCache<AccessTokenClaims>

  constructor (private readonly verifier: CognitoVerifier, leeway: number, private readonly loggedOut: LoggedOutLogins) {
    this.cache = new VerifiedTokenCache(10_000, leeway)
  }

  /** The claims of a token this process has verified and still accepts for `clientIds`; undefined otherwise (no throw, no await). */
  cached (token: string, clientIds: ReadonlySet<string>): AccessTokenClaims | undefined {
    const now = Math.floor(Date.now() / 1000)
    const claims = this.cache.get(token, now)
    if (claims === undefined || !clientIds.has(claims.client_id) || (this.loggedOut.size > 0 && this.loggedOut.has(claims, now))) return undefined
    return claims
  }

  /** The token's claims: at once (no promise) when this process has verified it before, else after verifying it. */
  claims (token: string, clientIds: ReadonlySet<string>): AccessTokenClaims | Promise<AccessTokenClaims> {
    const now = Math.floor(Date.now() / 1000)
    const cached = this.cache.get(token, now)
    if (cached !== undefined) return this.accept(cached, clientIds, now)
    return this.verifier.verifyAccessToken(token).then((claims) => {
      this.cache.set(token, claims)
      return this.accept(claims, clientIds, now)
    })
  }

  private accept (claims: AccessTokenClaims, clientIds: ReadonlySet<string>, now: number): AccessTokenClaims {
    checkClient(claims, clientIds)
    if (this.loggedOut.size > 0 && this.loggedOut.has(claims, now)) throw new TokenRejected('the login was ended by logout')
    return claims
  }
}
