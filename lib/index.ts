import fastifyCookie from '@fastify/cookie'
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { AccessTokens } from './access-tokens.js'
import { authHandlers, type AuthRequiredOptions } from './auth-required.js'
import { decorateCognito } from './cognito-api.js'
import { CookieStore } from './cookies.js'
import { cognitoEndpoints } from './endpoints.js'
import { InvalidOptionError } from './errors.js'
import { warnOnUnreachableCallback } from './listen-warning.js'
import type { CognitoIdentity } from './identity.js'
import { LoginState } from './login-state.js'
import { resolveOptions, type CognitoAuthOptions } from './options.js'
import { Refresher } from './refresh.js'
import { RevocationCheck } from './revocation-check.js'
import { registerRoutes } from './routes.js'
import { loginFlow } from './flow.js'
import { cookieNames, cookieOptions, sessionCodec, type SessionCodec } from './session.js'
import { ServerLoginState } from './sessions/server-state.js'
import { sharedState } from './store/setup.js'
import { TokenClient } from './token-client.js'
import { CognitoVerifier, type AccessTokenClaims } from './verifier.js'

/**
 * Claims of the access token on `request.cognito.claims`. Augment it to type claims a pre-token-generation
 * trigger adds: `declare module 'fastify-cognito-auth' { interface CognitoAccessClaims { tenant: string } }`.
 */
export interface CognitoAccessClaims extends AccessTokenClaims {}

/**
 * User info on `request.cognito.userInfo`: the ID token's user claims. Augment it to type custom attributes:
 * `declare module 'fastify-cognito-auth' { interface CognitoUserInfo { 'custom:tenant': string } }`.
 */
export interface CognitoUserInfo {
  sub?: string
  'cognito:username'?: string
  email?: string
  email_verified?: boolean
  [claim: string]: unknown
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A preHandler that lets only authenticated callers through, optionally only members of Cognito groups.
     * @example app.get('/admin', { preHandler: app.authRequired({ groups: ['admin'] }) }, handler)
     */
    authRequired (options?: AuthRequiredOptions): preHandlerHookHandler
    /**
     * A preHandler that fills `request.cognito` when the caller is logged in and lets everyone through.
     * @example app.get('/', { preHandler: app.authOptional() }, async (req) => req.cognito?.username ?? 'guest')
     */
    authOptional (): preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    /** The caller, set by `authRequired` (and by `authOptional` for a logged-in caller); `null` elsewhere. */
    cognito: CognitoIdentity<CognitoAccessClaims, CognitoUserInfo>
  }
}

const plugin: FastifyPluginAsync<CognitoAuthOptions> = async (fastify, opts) => {
  const options = resolveOptions(opts)
  const paths = ['/login', '/logout', options.redirectUrl.pathname, options.logoutUrl.pathname]
  if (new Set(paths).size !== paths.length) {
    throw new InvalidOptionError('redirectUrl', 'the postlogin and postlogout paths must differ from each other and from /login and /logout')
  }
  if (options.disabled) fastify.log.warn('fastify-cognito-auth: disabled (test mode): every protected route lets requests through as a test identity')
  warnOnUnreachableCallback(fastify, options.redirectUrl)
  const endpoints = cognitoEndpoints(options)
  const { clientId, clientSecret, requestTimeout: timeout, dispatcher } = options
  const tokenClient = new TokenClient({ endpoints, clientId, clientSecret, timeout, dispatcher })
  const verifier = new CognitoVerifier({ issuer: options.issuer, clientId, jwksUri: endpoints.jwks, leeway: options.expirationLeeway, timeout, dispatcher })
  const shared = await sharedState(options, fastify.log)
  fastify.addHook('onClose', async () => { await shared.store.close() })
  const refresher = new Refresher(tokenClient, verifier, new Set([clientId]), shared.store)

  let codec!: SessionCodec
  // An empty context: secure-session's hooks there never run, the plugin opens its cookies only where it needs them.
  await fastify.register(async (sealer) => { codec = await sessionCodec(sealer, options) })
  const cookies = new CookieStore(cookieOptions(options))
  const state = shared.records === undefined
    ? new LoginState(cookies, codec, options.refreshCookieMaxAge, cookieNames(options))
    : new ServerLoginState(cookies, codec, cookieNames(options), shared.records, shared.sealer, shared.sessionLifetime, options.tokenCacheSize)

  const revocation = options.revocationCheck === 0 ? undefined : new RevocationCheck(options.revocationCheck * 1000, tokenClient, shared.store)
  const accessTokens = new AccessTokens(verifier, {
    clientId, leeway: options.expirationLeeway, refreshLifetime: options.refreshCookieMaxAge, cacheSize: options.tokenCacheSize, store: shared.store, revocation
  })
  const flow = loginFlow({ options, endpoints, tokenClient, verifier, refresher, state, accessTokens })
  // The plugin's routes get @fastify/cookie in their own context (unless the app has it): the app's other routes get no hook.
  await fastify.register(async (scope) => {
    if (!scope.hasPlugin('@fastify/cookie')) await scope.register(fastifyCookie)
    // Server sessions: read before the route, written before the answer (the next request may reach another instance).
    scope.addHook('preHandler', async (request) => { await state.prepare(request) })
    scope.addHook('onSend', async (request) => { await state.flush(request) })
    registerRoutes(scope, options, flow)
  })
  const { authRequired, authOptional } = authHandlers({ options, accessTokens, tokenClient, refresher, state })
  // null until authRequired fills it; declared so every request has the same shape.
  fastify.decorateRequest('cognito', null as unknown as FastifyRequest['cognito'])
  fastify.decorate('authRequired', authRequired)
  fastify.decorate('authOptional', authOptional)
  decorateCognito(fastify, {
    endSessions: async (sub) => {
      await accessTokens.endUser(sub)
      await shared.records?.deleteUser(sub)
    }
  })
}

/**
 * AWS Cognito login for Fastify: `/login`, the postlogin callback, `/logout`, the postlogout route,
 * `app.authRequired()` and `request.cognito`.
 * @example
 * await app.register(cognitoAuth, optionsFromEnv())
 * app.get('/claims', { preHandler: app.authRequired() }, async (req) => req.cognito.claims)
 */
export const cognitoAuth = fp(plugin, { fastify: '5.x', name: 'fastify-cognito-auth' })
export default cognitoAuth

export { optionsFromEnv } from './env.js'
export * from './errors.js'
export type { AuthRequiredOptions } from './auth-required.js'
export type { CognitoApi } from './cognito-api.js'
export type { CognitoIdentity } from './identity.js'
export type { RedisClient } from './store/redis-client.js'
export type { AuthorizeParams, CognitoAuthOptions } from './options.js'
export type { AccessTokenClaims, IdTokenClaims } from './verifier.js'
