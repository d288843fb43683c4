import { LoggedOutLogins } from './logged-out.js'
import { VerifiedTokenCache } from './token-cache.js'
import { TokenRejected, type AccessTokenClaims, type CognitoVerifier } from './verifier.js'

/**
 * Access tokens as requests present them: verified once per process (then served from a cache that returns claims
 * only for the whole, equal token, until `exp`), checked against the accepted clients, and refused once their login
 * was ended by `/logout` here.
 */
export class AccessTokens {
  private readonly cache: VerifiedTokenCache<AccessTokenClaims>
  private readonly loggedOut = new LoggedOutLogins()

  constructor (private readonly verifier: CognitoVerifier, leeway: number) {
    this.cache = new VerifiedTokenCache(10_000, leeway)
  }

  /** Why verified claims are not accepted for `clientIds` now, or undefined when they are. */
  private refusal (claims: AccessTokenClaims, clientIds: ReadonlySet<string>, now: number): string | undefined {
    if (!clientIds.has(claims.client_id)) return 'client_id is not accepted'
    if (this.loggedOut.size > 0 && this.loggedOut.has(claims, now)) return 'the login was ended by logout'
    return undefined
  }

  /** The claims of a token this process has verified and still accepts for `clientIds`; undefined otherwise (no throw, no await). */
  cached (token: string, clientIds: ReadonlySet<string>): AccessTokenClaims | undefined {
    const now = Math.floor(Date.now() / 1000)
    const claims = this.cache.get(token, now)
    return claims === undefined || this.refusal(claims, clientIds, now) !== undefined ? undefined : claims
  }

  /** The token's claims, verifying it when this process has not; `TokenRejected` says why not. */
  async claims (token: string, clientIds: ReadonlySet<string>): Promise<AccessTokenClaims> {
    const now = Math.floor(Date.now() / 1000)
    let claims = this.cache.get(token, now)
    if (claims === undefined) {
      claims = await this.verifier.verifyAccessToken(token)
      this.cache.set(token, claims)
    }
    const refusal = this.refusal(claims, clientIds, now)
    if (refusal !== undefined) throw new TokenRejected(refusal)
    return claims
  }

  /** Ends the token's login in this process; a token that does not verify ends nothing. */
  async endLogin (token: string): Promise<void> {
    const claims = this.cache.get(token, Math.floor(Date.now() / 1000)) ?? await this.verifier.verifyAccessToken(token).catch(() => undefined)
    if (claims !== undefined) this.loggedOut.add(claims)
  }
}
