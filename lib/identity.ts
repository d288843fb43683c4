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
  /** Asks Cognito's `/oauth2/userInfo` for the user's current attributes; rejects an answer for another `sub`. */
  fetchUserInfo (): Promise<UserInfo>
}

type Fetch = () => Promise<Record<string, unknown>>
type UserInfo = Record<string, unknown>

/**
 * The caller. User info is read from the session only when first asked for (most routes never do, and opening the
 * session is the dearest part of a request); the way to fetch it lives in private fields, so serialising
 * `request.cognito` never shows a token.
 */
export class Identity implements CognitoIdentity {
  readonly groups: string[]
  readonly username: string
  readonly sub: string
  #userInfo: UserInfo | (() => UserInfo)
  readonly #fetch: Fetch

  constructor (readonly claims: AccessTokenClaims, userInfo: UserInfo | (() => UserInfo), fetch: Fetch) {
    this.groups = claims['cognito:groups'] ?? []
    this.username = claims.username ?? claims.sub
    this.sub = claims.sub
    this.#userInfo = userInfo
    this.#fetch = fetch
  }

  get userInfo (): UserInfo {
    if (typeof this.#userInfo === 'function') this.#userInfo = this.#userInfo()
    return this.#userInfo
  }

  toJSON (): Omit<CognitoIdentity, 'fetchUserInfo'> {
    return { claims: this.claims, userInfo: this.userInfo, groups: this.groups, username: this.username, sub: this.sub }
  }

  async fetchUserInfo (): Promise<Record<string, unknown>> {
    const info = await this.#fetch()
    const expected = typeof this.userInfo.sub === 'string' ? this.userInfo.sub : this.sub
    if (info.sub !== expected) throw new InvalidTokenError('userInfo answered for another sub')
    return info
  }
}
