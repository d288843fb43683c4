import type { FastifyRequest } from 'fastify'
import { InvalidTokenError } from './errors.js'
import type { AccessTokenClaims } from './verifier.js'

/** The authenticated caller, on `request.cognito`. */
export interface CognitoIdentity<Claims = AccessTokenClaims, UserInfo = Record<string, unknown>> {
  /** Claims of the verified access token. */
  readonly claims: Claims
  /** Claims of the ID token that came with the same login (profile, email, `custom:*`); `{}` when unknown (bearer tokens). */
  readonly userInfo: UserInfo
  /** `cognito:groups` of the access token. */
  readonly groups: string[]
  /** Cognito username (`username` claim), or `sub` when the token has none (client_credentials). */
  readonly username: string
  readonly sub: string
  /** The access token's issuer (`iss`): the user pool the caller signed in with. */
  readonly issuer: string
  /** The id of that user pool: the app's own, or one of `trustedPools`. */
  readonly userPoolId: string
  /** Asks Cognito's `/oauth2/userInfo` for the user's current attributes; rejects an answer for another `sub`. */
  fetchUserInfo (): Promise<UserInfo>
  /** The raw access token, for calls on the user's behalf, when the app asked for it with `exposeTokens`; never in JSON. */
  readonly accessToken: string | undefined
}

type UserInfo = Record<string, unknown>

/** Where an identity's user info comes from: shared by every request, so a request allocates no closures for it. */
export interface UserInfoSource {
  /** The user info of the login `claims` belong to, read on first use (for `request`, or `undefined` for bearer callers). */
  stored: (request: FastifyRequest | undefined, claims: AccessTokenClaims) => UserInfo
  /** Cognito's current answer for the access token. */
  fetch: (accessToken: string) => Promise<UserInfo>
  /** Whether `accessToken` shows the raw token (option `exposeTokens`). */
  exposeTokens: boolean
  /** The user pool id of each accepted issuer. */
  userPoolIds: ReadonlyMap<string, string>
}

/**
 * The caller. User info is read from the session only when first asked for (most routes never do, and opening the
 * session is the dearest part of a request); the token and request live in private fields, so serialising
 * `request.cognito` never shows a token.
 */
export class Identity implements CognitoIdentity {
  readonly groups: string[]
  readonly username: string
  readonly sub: string
  #userInfo: UserInfo | undefined
  readonly #source: UserInfoSource
  readonly #token: string
  readonly #request: FastifyRequest | undefined

  constructor (readonly claims: AccessTokenClaims, source: UserInfoSource, token: string, request?: FastifyRequest, known?: UserInfo) {
    this.groups = claims['cognito:groups'] ?? []
    this.username = claims.username ?? claims.sub
    this.sub = claims.sub
    this.#source = source
    this.#token = token
    this.#request = request
    this.#userInfo = known
  }

  get issuer (): string {
    return this.claims.iss as string
  }

  get userPoolId (): string {
    return this.#source.userPoolIds.get(this.issuer) as string
  }

  get accessToken (): string | undefined {
    return this.#source.exposeTokens ? this.#token : undefined
  }

  get userInfo (): UserInfo {
    this.#userInfo ??= this.#source.stored(this.#request, this.claims)
    return this.#userInfo
  }

  toJSON (): Omit<CognitoIdentity, 'fetchUserInfo' | 'accessToken'> {
    return { claims: this.claims, userInfo: this.userInfo, groups: this.groups, username: this.username, sub: this.sub, issuer: this.issuer, userPoolId: this.userPoolId }
  }

  async fetchUserInfo (): Promise<UserInfo> {
    const info = await this.#source.fetch(this.#token)
    const expected = typeof this.userInfo.sub === 'string' ? this.userInfo.sub : this.sub
    if (info.sub !== expected) throw new InvalidTokenError('userInfo answered for another sub')
    return info
  }
}

/** The identity a callback established, with the login's `returnTo`; `request.cognito` after `app.cognito.callback`. */
export class LoggedIn extends Identity {
  constructor (claims: AccessTokenClaims, source: UserInfoSource, token: string, request: FastifyRequest, userInfo: UserInfo, readonly returnTo: string | undefined) {
    super(claims, source, token, request, userInfo)
  }
}
