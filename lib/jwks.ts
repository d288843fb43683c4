import { KeyObject, type webcrypto } from 'node:crypto'
import { createRemoteJWKSet, customFetch, errors as joseErrors } from 'jose'
import { fetch, type Dispatcher } from 'undici'
import { JwksUnavailableError } from './errors.js'
import { publish } from './events.js'
import { TokenRejected } from './token-rejected.js'

export interface PoolKeysOptions {
  jwksUri: URL
  timeout: number
  dispatcher?: Dispatcher
  /** Seconds between JWKS refetches caused by unknown kids. Default 30. */
  cooldown?: number
}

/** Seconds a fetched JWKS is trusted before it is fetched again (jose's default): a key the pool withdrew stops verifying within this. */
export const JWKS_MAX_AGE = 600

class JwksFetchFailed extends Error {}

/** The JWKS, parsed here so a JWKS that is not JSON is the pool's outage, not a refused token. */
async function fetchJwks (url: string, init: RequestInit, dispatcher: Dispatcher | undefined): Promise<unknown> {
  const res = await fetch(url, { ...init, dispatcher } as Parameters<typeof fetch>[1]).catch((err: unknown) => { throw new JwksFetchFailed(String(err)) })
  if (res.status !== 200) throw new JwksFetchFailed(`status ${res.status}`)
  return await res.json().catch(() => { throw new JwksFetchFailed('not JSON') })
}

interface KnownKey { key: KeyObject, checkedAt: number }

/**
 * The user pool's signing keys: jose fetches the JWKS (through undici, so the dispatcher applies), refetches it when
 * older than `JWKS_MAX_AGE` or on an unknown kid (at most once per cooldown), and picks the key; each key is turned
 * into a KeyObject once, so signatures are checked with node:crypto synchronously instead of through WebCrypto's
 * thread pool. A key no longer published is forgotten at the next refetch; while the JWKS cannot be fetched, keys
 * already known keep working (an outage of the JWKS endpoint must not log everyone out).
 */
export class PoolKeys {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>
  private readonly keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>()
  /** Keys by kid, with when the JWKS last confirmed them: a fresh kid costs one Map lookup and no await. */
  private readonly byKid = new Map<string, KnownKey>()
  private readonly cooldownMs: number

  constructor ({ jwksUri, timeout, dispatcher, cooldown = 30 }: PoolKeysOptions) {
    this.cooldownMs = cooldown * 1000
    this.jwks = createRemoteJWKSet(jwksUri, {
      cacheMaxAge: JWKS_MAX_AGE * 1000,
      cooldownDuration: this.cooldownMs,
      timeoutDuration: timeout,
      [customFetch]: async (url, init) => {
        const fetched = fetchJwks(url, init, dispatcher)
        fetched.then(() => { publish('jwks-fetch', () => ({ url, ok: true })) }, () => { publish('jwks-fetch', () => ({ url, ok: false })) })
        const body = await fetched
        return { status: 200, json: async () => body } as unknown as Response
      }
    })
  }

  /** The key for a token's header, at once when its kid was confirmed within `JWKS_MAX_AGE`. */
  keyFor (header: { alg: 'RS256', kid?: string }): KeyObject | Promise<KeyObject> {
    const known = header.kid === undefined ? undefined : this.byKid.get(header.kid)
    if (known !== undefined && Date.now() - known.checkedAt < JWKS_MAX_AGE * 1000) return known.key
    return this.resolve(header, known)
  }

  /** Asks jose: `TokenRejected` when no key (or several, for a kid-less token) match; `JwksUnavailableError` when the JWKS cannot be had. */
  private async resolve (header: { alg: 'RS256', kid?: string }, known: KnownKey | undefined): Promise<KeyObject> {
    let cryptoKey: webcrypto.CryptoKey
    try {
      cryptoKey = await this.jwks(header)
    } catch (err) {
      if (err instanceof JwksFetchFailed || err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
        if (known === undefined) throw new JwksUnavailableError()
        // Stale but not withdrawn: keep it, and ask again after a cooldown rather than on every request.
        known.checkedAt = Date.now() - JWKS_MAX_AGE * 1000 + this.cooldownMs
        return known.key
      }
      if (header.kid !== undefined) this.byKid.delete(header.kid)
      throw new TokenRejected(err instanceof joseErrors.JOSEError ? err.code : 'no usable key')
    }
    let key = this.keyObjects.get(cryptoKey)
    if (key === undefined) {
      key = KeyObject.from(cryptoKey)
      this.keyObjects.set(cryptoKey, key)
    }
    if (header.kid !== undefined) this.byKid.set(header.kid, { key, checkedAt: Date.now() })
    return key
  }
}
