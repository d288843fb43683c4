import { loginIdOf } from './login-id.js'
import type { SharedStore } from './store/store.js'
import type { TokenClient } from './token-client.js'
import type { AccessTokenClaims } from './verifier.js'

const MAX_ENTRIES = 100_000

/**
 * Option `revocationCheck`: asks Cognito's userInfo, at most once per interval per login (across every instance
 * with `redis`), whether a cached access token still stands, so a global or admin sign-out, or a revoked refresh
 * token, ends it before its `exp`. Only tokens with `openid` can be asked about (userInfo needs it).
 */
export class RevocationCheck {
  /** Milliseconds of each login's last check (or skip) here; bounded, oldest first out. */
  private readonly checkedAt = new Map<string, number>()

  constructor (private readonly intervalMs: number, private readonly tokenClient: TokenClient, private readonly store: SharedStore) {}

  /** Whether the token's login is due a check now (a cheap local look, on the hot path). */
  due (claims: AccessTokenClaims, nowMs: number): boolean {
    if (!(claims.scope ?? '').split(' ').includes('openid')) return false
    const at = this.checkedAt.get(loginIdOf(claims))
    return at === undefined || nowMs - at >= this.intervalMs
  }

  /** Whether Cognito reports the token revoked; false when another instance checked this login within the interval. */
  async revoked (token: string, claims: AccessTokenClaims, nowMs: number): Promise<boolean> {
    const id = loginIdOf(claims)
    this.checkedAt.delete(id)
    if (this.checkedAt.size >= MAX_ENTRIES) this.checkedAt.delete(this.checkedAt.keys().next().value as string)
    this.checkedAt.set(id, nowMs)
    // An instance that checked within the interval ended the login everywhere if it found it revoked (the claim lapses
    // a little before the interval, so the next instance due finds it free).
    try {
      if (!await this.store.claimCheck(id, this.intervalMs - Math.min(100, this.intervalMs / 10))) return false
      return await this.tokenClient.accessTokenRevoked(token)
    } catch {
      // Cognito or Redis unreachable: an outage must not log everyone out; the check is tried again after the interval.
      return false
    }
  }
}
