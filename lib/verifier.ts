import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose'
import { createHash } from 'node:crypto'
import { fetch, type Dispatcher } from 'undici'
import { JwksUnavailableError } from './errors.js'

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

export interface VerifierOptions {
  issuer: string
  /** The client whose ID tokens are accepted (`aud`). */
  clientId: string
  jwksUri: URL
  leeway: number
  timeout: number
  dispatcher?: Dispatcher
  /** Seconds between JWKS refetches caused by unknown kids. */
  cooldown?: number
}

/** Why a token was refused; never thrown for infrastructure trouble, which is `JwksUnavailableError`. */
export class TokenRejected extends Error {
  constructor (reason: string, readonly expired = false) { super(reason) }
}

/** The token's `client_id` must be one of `clientIds`. */
export function checkClient (claims: AccessTokenClaims, clientIds: ReadonlySet<string>): void {
  if (!clientIds.has(claims.client_id)) throw new TokenRejected('client_id is not accepted')
}

class JwksFetchFailed extends Error {}

const atHash = (accessToken: string): string => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url')

/** Verifies Cognito tokens with jose against the pool's JWKS, fetched once and refetched on unknown kids after a cooldown. */
export class CognitoVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>

  constructor (private readonly options: VerifierOptions) {
    const { dispatcher, timeout } = options
    this.jwks = createRemoteJWKSet(options.jwksUri, {
      cacheMaxAge: Infinity,
      cooldownDuration: (options.cooldown ?? 30) * 1000,
      timeoutDuration: timeout,
      // undici's fetch so the dispatcher applies; a failed fetch is told apart from a bad token.
      [customFetch]: async (url, init) => {
        const res = await fetch(url, { ...init, dispatcher } as Parameters<typeof fetch>[1]).catch((err: unknown) => { throw new JwksFetchFailed(String(err)) })
        if (res.status !== 200) throw new JwksFetchFailed(`status ${res.status}`)
        return res as unknown as Response
      }
    })
  }

  private async verify (token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.options.issuer,
        algorithms: ['RS256'],
        clockTolerance: this.options.leeway,
        requiredClaims: ['iat', 'exp', 'sub', 'token_use']
      })
      // jose checks iat only against a max age; a token issued in the future is refused here.
      if ((payload.iat as number) > Math.floor(Date.now() / 1000) + this.options.leeway) throw new TokenRejected('iat is in the future')
      return payload
    } catch (err) {
      if (err instanceof TokenRejected) throw err
      if (err instanceof JwksFetchFailed || err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
        throw new JwksUnavailableError()
      }
      const code = err instanceof joseErrors.JOSEError ? err.code : 'malformed token'
      throw new TokenRejected(code, code === 'ERR_JWT_EXPIRED')
    }
  }

  /** An access token: RS256, issuer, expiry, `token_use: access`, a `client_id` (which the caller checks with `checkClient`). */
  async verifyAccessToken (token: string): Promise<AccessTokenClaims> {
    const claims = await this.verify(token)
    if (claims.token_use !== 'access') throw new TokenRejected('token_use is not access')
    if (typeof claims.client_id !== 'string') throw new TokenRejected('client_id is missing')
    return claims as AccessTokenClaims
  }

  /**
   * An ID token of this client: RS256, issuer, expiry, `token_use: id`, `aud`, `at_hash` bound to the access token,
   * and the login's nonce (`undefined` after a refresh, where Cognito sends none).
   */
  async verifyIdToken (token: string, nonce: string | undefined, accessToken: string): Promise<IdTokenClaims> {
    const claims = await this.verify(token)
    if (claims.token_use !== 'id') throw new TokenRejected('token_use is not id')
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
