import type { TokenClient, TokenResponse } from './token-client.js'
import { userInfoFrom } from './session.js'
import type { AccessTokenClaims, CognitoVerifier } from './verifier.js'

/** What a refresh gives: the new tokens, checked. */
export interface Refreshed {
  tokens: TokenResponse
  claims: AccessTokenClaims
  /** From the new ID token, when Cognito sent one. */
  userInfo?: Record<string, unknown>
}

/** How long a finished refresh is reused for requests still carrying the old cookies (the browser has not stored the new ones yet). */
const REUSE_MS = 30_000
const MAX_ENTRIES = 1000

/**
 * Refreshes with Cognito at most once per refresh token in this process: requests that arrive together, or within
 * a few seconds, share one call (with rotation on, a second call with the old token would fail and log the user out).
 */
export class Refresher {
  private readonly recent = new Map<string, { result: Promise<Refreshed>, until: number }>()

  constructor (private readonly tokenClient: TokenClient, private readonly verifier: CognitoVerifier, private readonly clientIds: ReadonlySet<string>) {}

  async refresh (refreshToken: string): Promise<Refreshed> {
    const now = Date.now()
    const known = this.recent.get(refreshToken)
    if (known !== undefined && known.until > now) return await known.result
    if (this.recent.size >= MAX_ENTRIES) this.recent.delete(this.recent.keys().next().value as string)
    const result = this.call(refreshToken)
    this.recent.set(refreshToken, { result, until: Infinity })
    result.then(
      () => this.recent.set(refreshToken, { result, until: Date.now() + REUSE_MS }),
      () => this.recent.delete(refreshToken)
    )
    return await result
  }

  /** Drops a finished or running refresh of this token, so no later request is handed its result (the login was ended). */
  forget (refreshToken: string): void {
    this.recent.delete(refreshToken)
  }

  private async call (refreshToken: string): Promise<Refreshed> {
    const tokens = await this.tokenClient.refresh(refreshToken)
    const { claims, id } = await this.verifier.verifyTokenSet(tokens, undefined, this.clientIds)
    return { tokens, claims, userInfo: id === undefined ? undefined : userInfoFrom(id) }
  }
}
