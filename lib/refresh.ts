import { createHash } from 'node:crypto'
import { MemoryStore } from './store/memory-store.js'
import type { SharedStore } from './store/store.js'
import { RefreshRejected, type TokenClient, type TokenResponse } from './token-client.js'
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

/** A refresh as instances share it: its result, or that Cognito refused the token (so every waiter logs out too). */
type SharedOutcome = { refreshed: Refreshed } | { rejected: true }

/**
 * Refreshes with Cognito at most once per refresh token in this process (and, with `redis`, across instances):
 * requests that arrive together, or within a few seconds, share one call (with rotation on, a second call with the
 * old token would fail and log the user out).
 */
export class Refresher {
  private readonly recent = new Map<string, { result: Promise<Refreshed>, until: number }>()

  constructor (
    private readonly tokenClient: TokenClient,
    private readonly verifier: CognitoVerifier,
    private readonly clientIds: ReadonlySet<string>,
    private readonly store: SharedStore = new MemoryStore()
  ) {}

  async refresh (refreshToken: string): Promise<Refreshed> {
    const now = Date.now()
    const known = this.recent.get(refreshToken)
    if (known !== undefined && known.until > now) return await known.result
    if (this.recent.size >= MAX_ENTRIES) this.recent.delete(this.recent.keys().next().value as string)
    const result = this.shared(refreshToken)
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

  /** One call for all instances: the store runs it once per token and hands its outcome to the others. */
  private async shared (refreshToken: string): Promise<Refreshed> {
    const id = createHash('sha256').update(refreshToken).digest('base64url')
    const outcome = await this.store.once<SharedOutcome>(id, async () => {
      try {
        return { refreshed: await this.call(refreshToken) }
      } catch (err) {
        if (err instanceof RefreshRejected) return { rejected: true }
        throw err
      }
    })
    if ('rejected' in outcome) throw new RefreshRejected()
    return outcome.refreshed
  }

  private async call (refreshToken: string): Promise<Refreshed> {
    const tokens = await this.tokenClient.refresh(refreshToken)
    const { claims, id } = await this.verifier.verifyTokenSet(tokens, undefined, this.clientIds)
    return { tokens, claims, userInfo: id === undefined ? undefined : userInfoFrom(id) }
  }
}
