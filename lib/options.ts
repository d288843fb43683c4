import type { Dispatcher } from 'undici'
import { machineClient, type MachineClient } from './client-credentials.js'
import { resolveHooks, type CognitoHooks } from './hooks.js'
import { flowPaths } from './paths.js'
import { trustedPools, type TrustedPool, type TrustedPoolOptions } from './pools.js'
import { isRedisClient, type RedisClient } from './store/redis-client.js'
import { absoluteUrl, CLIENT_ID, fail, flag, localPath, POOL_ID, poolIssuer, REGION, SCOPE, seconds, text } from './validate.js'

/** Options of `fastify.register(cognitoAuth, options)`. Env names are those `optionsFromEnv` reads. Hooks: see `CognitoHooks`. */
export interface CognitoAuthOptions extends CognitoHooks {
  /** Keys the encrypted session (at least 32 characters, at least 16 distinct). A list rolls keys: the first encrypts, all decrypt. Env: `SECRET_KEY`. */
  secret: string | string[]
  /** AWS region of the user pool, e.g. `eu-west-1`. Env: `AWS_REGION`. */
  region: string
  /** Hosted UI: a full URL (`https://auth.example.com`), a host, or a domain prefix (`myapp` → `https://myapp.auth.{region}.amazoncognito.com`). Env: `AWS_COGNITO_DOMAIN`. */
  domain: string
  /** `{region}_{id}`. Env: `AWS_COGNITO_USER_POOL_ID`. */
  userPoolId: string
  /** App client id. Env: `AWS_COGNITO_USER_POOL_CLIENT_ID`. */
  clientId: string
  /** App client secret; absent for a public client. Env: `AWS_COGNITO_USER_POOL_CLIENT_SECRET`. */
  clientSecret?: string
  /** Full URL of the postlogin route, registered as a callback URL of the client. Env: `AWS_COGNITO_REDIRECT_URL`. */
  redirectUrl: string
  /** Full URL of the postlogout route, registered as a sign-out URL of the client. Env: `AWS_COGNITO_LOGOUT_URL`. */
  logoutUrl: string
  /** Seconds the session and access-token cookies live. Default 1800. Env: `AWS_COGNITO_COOKIE_AGE_SECONDS`. */
  cookieMaxAge?: number
  /** Token issuer. Default `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`. Env: `AWS_COGNITO_ISSUER`. */
  issuer?: string
  /** Scopes asked for at login. Default: none sent, so Cognito grants all of the client's. Env: `AWS_COGNITO_SCOPES`. */
  scopes?: string[]
  /** Seconds of clock skew allowed on `exp`, `iat` and `nbf`. Default 0. Env: `AWS_COGNITO_EXPIRATION_LEEWAY`. */
  expirationLeeway?: number
  /** Cookie `Domain`. Default: host-only. Env: `AWS_COGNITO_COOKIE_DOMAIN`. */
  cookieDomain?: string
  /** Cookie `SameSite`. Default `lax`. Env: `AWS_COGNITO_COOKIE_SAMESITE`. */
  cookieSameSite?: 'lax' | 'strict' | 'none'
  /** Cookie `Secure`. Default: true, except when `redirectUrl` is plain http on a loopback host (local development); false is refused otherwise. */
  cookieSecure?: boolean
  /** Where postlogin sends the browser when it did not ask for a page. Default `/`. */
  afterLogin?: string
  /** Where postlogout sends the browser. Default `/`. */
  afterLogout?: string
  /** Path of the route that starts a login; unauthenticated browsers are sent here with `returnTo`. Default `/login`. */
  loginPath?: string
  /** Path of the logout route (GET, and POST for forms). Default `/logout`. */
  logoutPath?: string
  /** Register the login, postlogin, logout and postlogout routes. With false, the app writes them over `app.cognito.login`, `callback` and `logout`. Default true. */
  routes?: boolean
  /** Milliseconds to wait for Cognito on each outbound call. Default 5000. */
  requestTimeout?: number
  /** undici Dispatcher for every outbound call, the JWKS fetch included (proxies, tests). */
  dispatcher?: Dispatcher
  /** Show the raw access token as `request.cognito.accessToken`, for calls on the user's behalf. Default false. */
  exposeTokens?: boolean
  /** Keep the refresh token (encrypted) and renew expired access tokens with it. Default false. Env: `AWS_COGNITO_REFRESH_FLOW_ENABLED`. */
  refreshFlow?: boolean
  /** Seconds the encrypted refresh-token cookie lives. Default 86400. Env: `AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS`. */
  refreshCookieMaxAge?: number
  /** Accept `Authorization: Bearer <access token>` on protected routes. Default true. */
  bearerTokens?: boolean
  /** More app clients whose access tokens are accepted as bearer tokens. Default none. */
  allowedClientIds?: string[]
  /** More user pools whose access tokens (of the listed clients) are accepted as bearer tokens. Default none. */
  trustedPools?: TrustedPoolOptions[]
  /** Hosted UI parameters sent with every login; `/login?…` may fill only the ones left unset here. */
  authorizeParams?: AuthorizeParams
  /** Test mode: authRequired lets every request through as `disabledIdentity`. Allowed only when NODE_ENV is `development` or `test`. Default false. Env: `AWS_COGNITO_DISABLED`. */
  disabled?: boolean
  /** The identity test mode gives every request. Default: user `test-user` in no group. */
  disabledIdentity?: { username?: string, sub?: string, groups?: string[], scope?: string, userInfo?: Record<string, unknown> }
  /**
   * An ioredis-compatible client (ioredis, iovalkey, `app.redis` of @fastify/redis), taken as given, for state shared
   * by every instance: ended logins, refresh coordination, revocation checks, server sessions. Default: none (one
   * process). `optionsFromEnv` gives `REDIS_URL` as `redisUrl`; create the client from it (see the README).
   */
  redis?: RedisClient
  /** What `optionsFromEnv` read from `REDIS_URL`: registration refuses it without a `redis` client, rather than ignore it. */
  redisUrl?: string
  /** Prefix of the plugin's keys and channels in Redis. Default `cognito-auth:`. */
  redisPrefix?: string
  /** `cookie` (default): the session lives in sealed cookies. `server`: the cookie holds a sealed id, the rest is in Redis (needs `redis`). */
  sessions?: 'cookie' | 'server'
  /** Seconds between checks of a cached access token against Cognito's userInfo, per login (revoked tokens are refused). Default: off. */
  revocationCheck?: number
  /** Verified access tokens (and server sessions) kept in memory per process: about the users active within a token's life. Default 10000. */
  tokenCacheSize?: number
  /** The app client of `app.cognito.clientCredentials()` (Cognito allows that grant only on a client without the code grant). Default: `clientId` and `clientSecret`. */
  machineClient?: MachineClient
}

/** Cognito's optional authorize parameters. */
export interface AuthorizeParams {
  identity_provider?: string
  idp_identifier?: string
  lang?: string
  login_hint?: string
  prompt?: string
}

/** The authorize parameters `/login` passes through from its query; nothing else is forwarded. */
export const AUTHORIZE_PARAMS = ['identity_provider', 'idp_identifier', 'lang', 'login_hint', 'prompt'] as const

/** Options after validation, with every default applied. */
export interface ResolvedOptions {
  secrets: string[]
  region: string
  domain: string
  userPoolId: string
  clientId: string
  clientSecret?: string
  redirectUrl: URL
  logoutUrl: URL
  cookieMaxAge: number
  issuer: string
  scopes?: string[]
  expirationLeeway: number
  cookieDomain?: string
  cookieSameSite: 'lax' | 'strict' | 'none'
  cookieSecure: boolean
  afterLogin: string
  afterLogout: string
  loginPath: string
  logoutPath: string
  routes: boolean
  hooks: CognitoHooks
  requestTimeout: number
  dispatcher?: Dispatcher
  exposeTokens: boolean
  refreshFlow: boolean
  refreshCookieMaxAge: number
  bearerTokens: boolean
  /** Client ids accepted in bearer tokens: `clientId` first, then `allowedClientIds` and the trusted pools' clients. */
  bearerClientIds: Set<string>
  /** Every pool whose access tokens are accepted: this one first (its clients: `clientId` and `allowedClientIds`), then `trustedPools`. */
  pools: TrustedPool[]
  authorizeParams: AuthorizeParams
  disabled: boolean
  disabledIdentity: Required<NonNullable<CognitoAuthOptions['disabledIdentity']>>
  redis?: RedisClient
  redisPrefix: string
  sessions: 'cookie' | 'server'
  /** Seconds; 0 when off. */
  revocationCheck: number
  tokenCacheSize: number
  machineClient?: MachineClient
}

function hostedUiDomain (value: unknown, region: string): string {
  const domain = text('domain', value).replace(/\/+$/, '')
  const href = /^https?:\/\//.test(domain) ? domain : domain.includes('.') ? `https://${domain}` : `https://${domain}.auth.${region}.amazoncognito.com`
  return absoluteUrl('domain', href).origin
}

function authorizeParams (value: unknown): AuthorizeParams {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object') fail('authorizeParams', 'an object is required')
  for (const [key, param] of Object.entries(value)) {
    if (!(AUTHORIZE_PARAMS as readonly string[]).includes(key)) fail('authorizeParams', `${key} is not a Cognito authorize parameter`)
    if (typeof param !== 'string') fail('authorizeParams', `${key} must be a string`)
  }
  return value as AuthorizeParams
}

const TEST_ENVS = new Set(['development', 'test'])

function disabledMode (value: unknown, identity: CognitoAuthOptions['disabledIdentity']): { disabled: boolean, disabledIdentity: ResolvedOptions['disabledIdentity'] } {
  const disabled = flag('disabled', value, false)
  if (disabled && !TEST_ENVS.has(process.env.NODE_ENV ?? '')) {
    fail('disabled', `test mode lets every request through, so it needs NODE_ENV=development or NODE_ENV=test (it is ${JSON.stringify(process.env.NODE_ENV ?? '')})`)
  }
  if (identity !== undefined && (identity === null || typeof identity !== 'object')) fail('disabledIdentity', 'an object is required')
  if (identity?.groups !== undefined && (!Array.isArray(identity.groups) || identity.groups.some((g) => typeof g !== 'string'))) {
    fail('disabledIdentity', 'groups must be a list of names')
  }
  return {
    disabled,
    disabledIdentity: { username: 'test-user', sub: '00000000-0000-4000-8000-000000000000', groups: [], scope: 'openid', userInfo: {}, ...identity }
  }
}

const SECRET_HOWTO = 'node -p "require(\'node:crypto\').randomBytes(32).toString(\'base64url\')"'

function secrets (value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) fail('secret', 'at least one secret is required')
  return list.map((s) => {
    if (typeof s !== 'string' || s.length < 32) fail('secret', 'each secret must be a string of at least 32 characters')
    if (new Set(s).size < 16) fail('secret', `it is plainly low-entropy (${new Set(s).size} distinct characters); generate one with: ${SECRET_HOWTO}`)
    return s
  })
}

function clientIds (value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) fail('allowedClientIds', 'a list of client ids is required')
  return value.map((id) => text('allowedClientIds', id, CLIENT_ID))
}

/** `redis`, `redisPrefix` and `sessions`: a usable client, never a URL silently ignored. */
function sharedStateOptions (options: CognitoAuthOptions): Pick<ResolvedOptions, 'redis' | 'redisPrefix' | 'sessions'> {
  const { redis, redisUrl, sessions = 'cookie' } = options
  if (redis !== undefined && !isRedisClient(redis)) fail('redis', 'an ioredis-compatible client is required (new Redis(url), or app.redis)')
  if (redis === undefined && redisUrl !== undefined) fail('redis', 'REDIS_URL is set but no client was given: pass redis: new Redis(options.redisUrl)')
  if (sessions !== 'cookie' && sessions !== 'server') fail('sessions', 'cookie or server is required')
  if (sessions === 'server' && redis === undefined) fail('sessions', 'server sessions need the redis option')
  const redisPrefix = options.redisPrefix === undefined ? 'cognito-auth:' : text('redisPrefix', options.redisPrefix, /^[\w:.-]{1,64}$/)
  return { redis, redisPrefix, sessions }
}

/** Validates every option once, at registration, and applies the defaults. */
export function resolveOptions (options: CognitoAuthOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') fail('options', 'an object is required')
  const region = text('region', options.region, REGION)
  const userPoolId = text('userPoolId', options.userPoolId, POOL_ID)
  if (!userPoolId.startsWith(`${region}_`)) fail('userPoolId', `the pool id does not belong to region ${region}`)
  const redirectUrl = absoluteUrl('redirectUrl', options.redirectUrl)
  const logoutUrl = absoluteUrl('logoutUrl', options.logoutUrl)
  const local = redirectUrl.protocol === 'http:'
  if (options.cookieSecure !== undefined && typeof options.cookieSecure !== 'boolean') fail('cookieSecure', 'a boolean is required')
  if (options.cookieSecure === false && !local) fail('cookieSecure', 'false is only allowed for a plain-http localhost redirectUrl')
  const sameSite = options.cookieSameSite ?? 'lax'
  if (!['lax', 'strict', 'none'].includes(sameSite)) fail('cookieSameSite', 'lax, strict or none is required')
  const cookieSecure = options.cookieSecure ?? !local
  if (sameSite === 'none' && !cookieSecure) fail('cookieSameSite', 'none requires Secure cookies')
  if (options.scopes !== undefined && (!Array.isArray(options.scopes) || options.scopes.some((s) => typeof s !== 'string' || !SCOPE.test(s)))) {
    fail('scopes', 'a list of scope names is required')
  }
  if (options.dispatcher !== undefined && typeof (options.dispatcher as { dispatch?: unknown }).dispatch !== 'function') {
    fail('dispatcher', 'an undici Dispatcher is required')
  }
  const clientId = text('clientId', options.clientId, CLIENT_ID)
  const issuer = poolIssuer('issuer', options.issuer, region, userPoolId)
  const pools = trustedPools(options.trustedPools, { userPoolId, issuer, clientIds: new Set([clientId, ...clientIds(options.allowedClientIds)]) })
  const bearerTokens = flag('bearerTokens', options.bearerTokens, true)
  if (pools.length > 1 && !bearerTokens) fail('trustedPools', 'their tokens are bearer tokens, and bearerTokens is false')
  return {
    secrets: secrets(options.secret),
    region,
    domain: hostedUiDomain(options.domain, region),
    userPoolId,
    clientId,
    clientSecret: options.clientSecret === undefined ? undefined : text('clientSecret', options.clientSecret),
    redirectUrl,
    logoutUrl,
    cookieMaxAge: seconds('cookieMaxAge', options.cookieMaxAge, 1800, 1),
    issuer,
    scopes: options.scopes,
    expirationLeeway: seconds('expirationLeeway', options.expirationLeeway, 0, 0),
    cookieDomain: options.cookieDomain === undefined ? undefined : text('cookieDomain', options.cookieDomain, /^\.?[a-z0-9.-]+$/i),
    cookieSameSite: sameSite,
    cookieSecure,
    afterLogin: localPath('afterLogin', options.afterLogin),
    afterLogout: localPath('afterLogout', options.afterLogout),
    ...flowPaths(options, redirectUrl, logoutUrl),
    hooks: resolveHooks(options),
    requestTimeout: seconds('requestTimeout', options.requestTimeout, 5000, 1),
    dispatcher: options.dispatcher,
    exposeTokens: flag('exposeTokens', options.exposeTokens, false),
    refreshFlow: flag('refreshFlow', options.refreshFlow, false),
    refreshCookieMaxAge: seconds('refreshCookieMaxAge', options.refreshCookieMaxAge, 86400, 1),
    bearerTokens,
    bearerClientIds: new Set(pools.flatMap((pool) => [...pool.clientIds])),
    pools,
    authorizeParams: authorizeParams(options.authorizeParams),
    machineClient: machineClient(options.machineClient),
    ...disabledMode(options.disabled, options.disabledIdentity),
    ...sharedStateOptions(options),
    revocationCheck: seconds('revocationCheck', options.revocationCheck, 0, 1),
    tokenCacheSize: seconds('tokenCacheSize', options.tokenCacheSize, 10_000, 100)
  }
}
