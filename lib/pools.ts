import type { FastifyRequest, preHandlerHookHandler } from 'fastify'
import type { Dispatcher } from 'undici'
import type { AuthHandlers } from './auth-required.js'
import { jwksUrl } from './endpoints.js'
import { InvalidOptionError, PoolNotAllowedError } from './errors.js'
import { CLIENT_ID, fail, POOL_ID, poolIssuer, REGION, text } from './validate.js'
import { CognitoVerifier, TokenRejected, type AccessTokenClaims } from './verifier.js'

/** One more user pool whose access tokens are accepted as bearer tokens (an entry of option `trustedPools`). */
export interface TrustedPoolOptions {
  /** `{region}_{id}`. */
  userPoolId: string
  /** The pool's region. Default: the one `userPoolId` starts with. */
  region?: string
  /** Its token issuer. Default `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` (set it for the emulator or a proxy). */
  issuer?: string
  /** The app clients of this pool whose access tokens are accepted. */
  clientIds: string[]
}

/** A pool whose access tokens are accepted, with the clients accepted from it. */
export interface TrustedPool {
  userPoolId: string
  issuer: string
  clientIds: ReadonlySet<string>
}

const SETTINGS = new Set(['userPoolId', 'region', 'issuer', 'clientIds'])

/** One `trustedPools` entry, checked; each failure names `trustedPools[i].field`. */
function trustedPool (value: unknown, name: string): TrustedPool {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(name, 'an object with userPoolId and clientIds is required')
  const pool = value as Record<string, unknown>
  for (const key of Object.keys(pool)) if (!SETTINGS.has(key)) fail(name, `${key} is not a trusted pool setting`)
  const userPoolId = text(`${name}.userPoolId`, pool.userPoolId, POOL_ID)
  const region = pool.region === undefined ? (POOL_ID.exec(userPoolId) as RegExpExecArray)[1] as string : text(`${name}.region`, pool.region, REGION)
  if (!userPoolId.startsWith(`${region}_`)) fail(`${name}.userPoolId`, `the pool id does not belong to region ${region}`)
  if (!Array.isArray(pool.clientIds) || pool.clientIds.length === 0) fail(`${name}.clientIds`, 'a non-empty list of client ids is required')
  const clientIds = new Set(pool.clientIds.map((id) => text(`${name}.clientIds`, id, CLIENT_ID)))
  return { userPoolId, issuer: poolIssuer(`${name}.issuer`, pool.issuer, region, userPoolId), clientIds }
}

/**
 * Option `trustedPools`, checked: every pool after `main` (the app's own, returned first). Issuers, pool ids and
 * client ids must differ between pools, so a token's issuer names one pool, and a client one pool.
 */
export function trustedPools (value: unknown, main: TrustedPool): TrustedPool[] {
  if (value === undefined) return [main]
  if (!Array.isArray(value)) fail('trustedPools', 'a list of pools is required')
  const pools = [main]
  for (const [i, entry] of value.entries()) {
    const name = `trustedPools[${i}]`
    const pool = trustedPool(entry, name)
    const other = (same: (p: TrustedPool) => boolean): string | undefined => {
      const found = pools.find(same)
      return found === undefined ? undefined : found === main ? 'the app\'s own pool' : `trustedPools[${pools.indexOf(found) - 1}]`
    }
    const sameIssuer = other((p) => p.issuer === pool.issuer || p.userPoolId === pool.userPoolId)
    if (sameIssuer !== undefined) fail(`${name}.userPoolId`, `the pool is already ${sameIssuer}`)
    for (const id of pool.clientIds) {
      const owner = other((p) => p.clientIds.has(id))
      if (owner !== undefined) fail(`${name}.clientIds`, `${id} is already a client of ${owner}`)
    }
    pools.push(pool)
  }
  return pools
}

/** The `iss` of a token, read before anything is verified; undefined when there is none to read. */
function claimedIssuer (token: string): unknown {
  const start = token.indexOf('.')
  const end = token.indexOf('.', start + 1)
  if (start === -1 || end === -1) return undefined
  try {
    return (JSON.parse(Buffer.from(token.slice(start + 1, end), 'base64url').toString('utf8')) as { iss?: unknown } | null)?.iss
  } catch {
    return undefined
  }
}

/** What each pool's verifier shares with the app's own. */
export interface PoolVerifierSettings {
  leeway: number
  timeout: number
  dispatcher?: Dispatcher
}

/**
 * Access tokens of several pools: the token's claimed `iss` picks its pool's verifier (each with its own JWKS, fetched
 * and cached on its own), and a token of any other issuer is refused before a key is looked up, so no token makes
 * the plugin fetch a JWKS. The pool's accepted clients are checked here, so a client id counts only in its own pool.
 */
export class PoolVerifiers {
  private readonly byIssuer = new Map<string, { verifier: CognitoVerifier, clientIds: ReadonlySet<string> }>()

  /** `own` verifies the first pool's tokens (the login flow shares it, so that pool's JWKS is fetched once). */
  constructor (pools: readonly TrustedPool[], own: CognitoVerifier, settings: PoolVerifierSettings) {
    for (const [i, { issuer, clientIds }] of pools.entries()) {
      // A trusted pool's ID tokens are never verified here, so its verifier needs no client for `aud`.
      const verifier = i === 0 ? own : new CognitoVerifier({ issuer, clientId: '', jwksUri: jwksUrl(issuer), ...settings })
      this.byIssuer.set(issuer, { verifier, clientIds })
    }
  }

  async verifyAccessToken (token: string): Promise<AccessTokenClaims> {
    const issuer = claimedIssuer(token)
    const pool = typeof issuer === 'string' ? this.byIssuer.get(issuer) : undefined
    if (pool === undefined) throw new TokenRejected('iss is not a trusted pool')
    const claims = await pool.verifier.verifyAccessToken(token)
    if (!pool.clientIds.has(claims.client_id)) throw new TokenRejected('client_id is not accepted for its pool')
    return claims
  }
}

/** The issuers of `authRequired({ pools })`'s pool ids, each one a configured pool. */
function issuersOf (value: unknown, pools: readonly TrustedPool[]): Set<string> {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidOptionError('authRequired.pools', 'a non-empty list of user pool ids is required')
  return new Set(value.map((id) => {
    const pool = pools.find((p) => p.userPoolId === id)
    if (pool === undefined) throw new InvalidOptionError('authRequired.pools', `${String(id)} is neither the app's pool nor one of trustedPools`)
    return pool.issuer
  }))
}

/** `authRequired({ pools })`: the guard, then a 403 for a caller of another pool; routes without `pools` keep the guard as it is. */
export function poolRestricted ({ authRequired, ...rest }: AuthHandlers, pools: readonly TrustedPool[]): AuthHandlers {
  return {
    ...rest,
    authRequired (options) {
      const guard = authRequired(options)
      if (options?.pools === undefined) return guard
      const issuers = issuersOf(options.pools, pools)
      return function cognitoPoolRestricted (request, reply, done) {
        guard.call(this, request, reply, (err) => {
          if (err !== undefined || issuers.has(request.cognito.issuer)) {
            done(err)
            return
          }
          request.log.debug({ issuer: request.cognito.issuer }, 'fastify-cognito-auth: the caller\'s pool is not accepted on this route')
          request.cognito = null as unknown as FastifyRequest['cognito']
          done(new PoolNotAllowedError())
        })
      } satisfies preHandlerHookHandler
    }
  }
}
