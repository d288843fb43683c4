import { KeyObject, type webcrypto } from 'node:crypto'
import { createRemoteJWKSet, customFetch, errors as joseErrors } from 'jose'
import { fetch, type Dispatcher } from 'undici'
import { JwksUnavailableError } from './errors.js'
import { TokenRejected } from './token-rejected.js'

export interface PoolKeysOptions {
  jwksUri: URL
  timeout: number
  dispatcher?: Dispatcher
  /** Seconds between JWKS refetches caused by unknown kids. Default 30. */
  cooldown?: number
}

class JwksFetchFailed extends Error {}

/**
 * The user pool's signing keys: jose fetches the JWKS once (through undici, so the dispatcher applies), refetches on
 * an unknown kid at most once per cooldown, and picks the key; each key is turned into a KeyObject once, so
 * signatures are checked with node:crypto synchronously instead of through WebCrypto's thread pool.
 */
export class PoolKeys {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>
  private readonly keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>()
  /** Keys by kid once seen, so a known kid costs one Map lookup and no await. */
  private readonly byKid = new Map<string, KeyObject>()

  constructor ({ jwksUri, timeout, dispatcher, cooldown = 30 }: PoolKeysOptions) {
    this.jwks = createRemoteJWKSet(jwksUri, {
      cacheMaxAge: Infinity,
      cooldownDuration: cooldown * 1000,
      timeoutDuration: timeout,
      [customFetch]: async (url, init) => {
        const res = await fetch(url, { ...init, dispatcher } as Parameters<typeof fetch>[1]).catch((err: unknown) => { throw new JwksFetchFailed(String(err)) })
        if (res.status !== 200) throw new JwksFetchFailed(`status ${res.status}`)
        return res as unknown as Response
      }
    })
  }

  /** The key for a token's header, at once when its kid is known. */
  keyFor (header: { alg: 'RS256', kid?: string }): KeyObject | Promise<KeyObject> {
    return (header.kid === undefined ? undefined : this.byKid.get(header.kid)) ?? this.resolve(header)
  }

  /** Asks jose: `TokenRejected` when no key (or several, for a kid-less token) match; `JwksUnavailableError` when the JWKS cannot be had. */
  private async resolve (header: { alg: 'RS256', kid?: string }): Promise<KeyObject> {
    let cryptoKey: webcrypto.CryptoKey
    try {
      cryptoKey = await this.jwks(header)
    } catch (err) {
      if (err instanceof JwksFetchFailed || err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
        throw new JwksUnavailableError()
      }
      throw new TokenRejected(err instanceof joseErrors.JOSEError ? err.code : 'no usable key')
    }
    let key = this.keyObjects.get(cryptoKey)
    if (key === undefined) {
      key = KeyObject.from(cryptoKey)
      this.keyObjects.set(cryptoKey, key)
    }
    if (header.kid !== undefined) this.byKid.set(header.kid, key)
    return key
  }
}
