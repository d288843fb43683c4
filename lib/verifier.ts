import { createHash, KeyObject, verify } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { PoolKeys, type PoolKeysOptions } from './jwks.js'
import { ACCESS_CLAIMS, checkClaimTypes, ID_CLAIMS } from './claim-types.js'
import { checkTimes, decodeJwt } from './jwt.js'
import { TokenRejected } from './token-rejected.js'

/** Claims of a verified Cognito access token. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string
  client_id: string
  token_use: 'access'
  scope?: string
  username?: string
  'cognito:groups'?: string[]
  origin_jti?: string
  exp: number
  iat: number
}

/** Claims of a verified Cognito ID token. */
export interface IdTokenClaims extends JWTPayload {
  sub: string
  aud: string
  token_use: 'id'
  nonce?: string
  at_hash?: string
  origin_jti?: string
}

export interface VerifierOptions extends PoolKeysOptions {
  issuer: string
  /** The client whose ID tokens are accepted (`aud`). */
  clientId: string
  leeway: number
}

export { TokenRejected }

/** The token's `client_id` must be one of `clientIds`. */
export function checkClient (claims: AccessTokenClaims, clientIds: ReadonlySet<string>): void {
  if (!clientIds.has(claims.client_id)) throw new TokenRejected('client_id is not accepted')
}

const atHash = (accessToken: string): string => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url')

/** Verifies Cognito tokens: RS256 signatures with the pool's keys, then the claims every Cognito token must carry. */
export class CognitoVerifier {
  private readonly keys: PoolKeys

  constructor (private readonly options: VerifierOptions) {
    this.keys = new PoolKeys(options)
  }

  /** Signature, `iss`, `exp`/`iat`/`nbf` with the leeway, and `sub`; the callers check `token_use`. */
  private async verify (token: string): Promise<JWTPayload> {
    const { header, payload, signingInput, signature } = decodeJwt(token)
    // Before any key is looked up: a token of another issuer never makes the plugin fetch the JWKS.
    if (payload.iss !== this.options.issuer) throw new TokenRejected('ERR_JWT_CLAIM_VALIDATION_FAILED: iss')
    const known = this.keys.keyFor(header)
    const key = known instanceof KeyObject ? known : await known
    if (!verify('RSA-SHA256', signingInput, key, signature)) throw new TokenRejected('ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
    checkTimes(payload, Math.floor(Date.now() / 1000), this.options.leeway)
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenRejected('ERR_JWT_CLAIM_VALIDATION_FAILED: sub')
    return payload as JWTPayload
  }

  /** An access token: RS256, issuer, expiry, `token_use: access`, a `client_id` (which the caller checks with `checkClient`). */
  async verifyAccessToken (token: string): Promise<AccessTokenClaims> {
    const claims = await this.verify(token)
    if (claims.token_use !== 'access') throw new TokenRejected('token_use is not access')
    if (typeof claims.client_id !== 'string') throw new TokenRejected('client_id is missing')
    checkClaimTypes(claims, ACCESS_CLAIMS)
    return claims as AccessTokenClaims
  }

  /**
   * An ID token of this client: RS256, issuer, expiry, `token_use: id`, `aud`, `at_hash` bound to the access token,
   * and the login's nonce (`undefined` after a refresh, where Cognito sends none).
   */
  async verifyIdToken (token: string, nonce: string | undefined, accessToken: string): Promise<IdTokenClaims> {
    const claims = await this.verify(token)
    if (claims.token_use !== 'id') throw new TokenRejected('token_use is not id')
    checkClaimTypes(claims, ID_CLAIMS)
    if (claims.aud !== this.options.clientId) throw new TokenRejected('aud does not match')
    if (nonce !== undefined && claims.nonce !== nonce) throw new TokenRejected('nonce does not match')
    if (claims.at_hash !== undefined && claims.at_hash !== atHash(accessToken)) throw new TokenRejected('at_hash does not match')
    return claims as IdTokenClaims
  }

  /**
   * The tokens of one login or refresh, checked together: the access token for one of `clientIds`, the ID token
   * (when sent) for the same `sub`, with `nonce` and `at_hash`.
   */
  async verifyTokenSet (tokens: { access_token: string, id_token?: string }, nonce: string | undefined, clientIds: ReadonlySet<string>): Promise<VerifiedTokenSet> {
    const claims = await this.verifyAccessToken(tokens.access_token)
    checkClient(claims, clientIds)
    if (tokens.id_token === undefined) return { claims }
    const id = await this.verifyIdToken(tokens.id_token, nonce, tokens.access_token)
    if (id.sub !== claims.sub) throw new TokenRejected('ID and access tokens name different users')
    return { claims, id }
  }
}

export interface VerifiedTokenSet {
  claims: AccessTokenClaims
  id?: IdTokenClaims
}
