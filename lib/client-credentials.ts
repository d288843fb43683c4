import type { TokenClient } from './token-client.js'
import { CLIENT_ID, fail, SCOPE, text } from './validate.js'

/** The app client of a `client_credentials` token: Cognito does not allow that grant on a client that also logs users in. */
export interface MachineClient {
  clientId: string
  clientSecret: string
}

/** Options of `app.cognito.clientCredentials(...)`. */
export interface ClientCredentialsOptions {
  /** Custom `resource-server/scope` scopes to ask for. Default none sent, so Cognito grants all the client's custom scopes. */
  scopes?: string[]
  /** With option `tenants`: the tenant whose pool issues the token (required there; ignored otherwise). */
  tenant?: string
}

/** The `machineClient` option: both fields, or absent. */
export function machineClient (value: unknown): MachineClient | undefined {
  if (value === undefined) return undefined
  if (value === null || typeof value !== 'object') fail('machineClient', 'an object with clientId and clientSecret is required')
  const { clientId, clientSecret } = value as Record<string, unknown>
  return { clientId: text('machineClient.clientId', clientId, CLIENT_ID), clientSecret: text('machineClient.clientSecret', clientSecret) }
}

interface Entry {
  token?: string
  /** Epoch ms after which the token is not handed out. */
  usableUntil: number
  /** Epoch ms from which a new token is fetched in the background while the cached one is still served. */
  refreshAt: number
  pending?: Promise<string>
}

/**
 * `client_credentials` access tokens, one cache entry per scope set: cached until shortly before `exp`,
 * renewed ahead of it, and never more than one token request in flight per scope set (Cognito bills each one).
 */
export class ClientCredentials {
  private readonly entries = new Map<string, Entry>()

  constructor (private readonly client: TokenClient, private readonly now: () => number = Date.now) {}

  /** A valid access token for `scopes` (order and repeats do not matter). */
  async token (options: ClientCredentialsOptions = {}): Promise<string> {
    const scopes = scopeSet(options.scopes)
    const key = scopes.join(' ')
    const entry = this.entries.get(key) ?? { usableUntil: 0, refreshAt: 0 }
    this.entries.set(key, entry)
    const now = this.now()
    if (entry.token !== undefined && now < entry.usableUntil) {
      // Renewed in the background: callers keep the cached token, and a failed renewal is retried by the next caller.
      if (now >= entry.refreshAt && entry.pending === undefined) this.fetch(entry, scopes).catch(() => {})
      return entry.token
    }
    return await (entry.pending ?? this.fetch(entry, scopes))
  }

  private async fetch (entry: Entry, scopes: string[]): Promise<string> {
    const started = this.now()
    entry.pending = this.client.clientCredentials(scopes).then(({ access_token: token, expires_in: lifetime }) => {
      // Timed from when the request left, so clock time spent waiting never stretches the token's life.
      const expiresAt = started + lifetime * 1000
      entry.token = token
      entry.usableUntil = expiresAt - Math.min(60_000, lifetime * 100)
      entry.refreshAt = expiresAt - Math.min(300_000, lifetime * 250)
      return token
    }).finally(() => { entry.pending = undefined })
    return await entry.pending
  }
}

function scopeSet (scopes: unknown): string[] {
  if (scopes === undefined) return []
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !SCOPE.test(s))) {
    fail('clientCredentials.scopes', 'a list of scope names is required')
  }
  return [...new Set(scopes as string[])].sort()
}
