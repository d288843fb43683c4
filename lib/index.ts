import fastifyCookie from '@fastify/cookie'
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { AccessTokens } from './access-tokens.js'
import { composableGuards } from './auth-compose.js'
import { authHandlers, type AuthRequiredOptions } from './auth-required.js'
import { ClientCredentials } from './client-credentials.js'
import { cognitoApi, type CognitoApi } from './cognito-api.js'
import { CookieStore } from './cookies.js'
import { cognitoEndpoints } from './endpoints.js'
import { warnOnUnreachableCallback } from './listen-warning.js'
import type { CognitoIdentity } from './identity.js'
import { LoginState } from './login-state.js'
import { markedHandlers, openapiSecurity } from './openapi.js'
import { resolveOptions, type CognitoAuthOptions } from './options.js'
import { poolRestricted, PoolVerifiers } from './pools.js'
import { Refresher } from './refresh.js'
import { registerRoutes } from './routes.js'
import { loginFlow } from './flow.js'
import { cookieNames, cookieOptions, sessionCodec, type SessionCodec } from './session.js'
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
    /** The login flow as calls from the app's own handlers (`routes: false`), and what the app asks of its user pool. */
    cognito: CognitoApi<CognitoAccessClaims, CognitoUserInfo>
  }
  interface FastifyRequest {
    /** The caller, set by `authRequired` (and by `authOptional` for a logged-in caller); `null` elsewhere. */
    cognito: CognitoIdentity<CognitoAccessClaims, CognitoUserInfo>
  }
}

const plugin: FastifyPluginAsync<CognitoAuthOptions> = async (fastify, opts) => {
  const options = resolveOptions(opts)
  if (options.disabled) fastify.log.warn('fastify-cognito-auth: disabled (test mode): every protected route lets requests through as a test identity')
  warnOnUnreachableCallback(fastify, options.redirectUrl)
  const endpoints = cognitoEndpoints(options)
  const { clientId, clientSecret, requestTimeout: timeout, dispatcher } = options
  const tokenClient = new TokenClient({ endpoints, clientId, clientSecret, timeout, dispatcher })
  const verifier = new CognitoVerifier({ issuer: options.issuer, clientId, jwksUri: endpoints.jwks, leeway: options.expirationLeeway, timeout, dispatcher })
  const refresher = new Refresher(tokenClient, verifier, new Set([clientId]))

  let codec!: SessionCodec
  // An empty context: secure-session's hooks there never run, the plugin opens its cookies only where it needs them.
  await fastify.register(async (sealer) => { codec = await sessionCodec(sealer, options) })
  const state = new LoginState(new CookieStore(cookieOptions(options)), codec, options.refreshCookieMaxAge, cookieNames(options))

  const accessTokens = new AccessTokens(new PoolVerifiers(options.pools, verifier, { leeway: options.expirationLeeway, timeout, dispatcher }), { clientId, leeway: options.expirationLeeway, refreshLifetime: options.refreshCookieMaxAge })
  const flow = loginFlow({ options, endpoints, tokenClient, verifier, refresher, state, accessTokens })
  const { authRequired, authOptional, identityOf } = markedHandlers(poolRestricted(authHandlers({ options, accessTokens, tokenClient, refresher, state }), options.pools))
  const machine = options.machineClient ?? { clientId, clientSecret }
  const clientCredentials = new ClientCredentials(new TokenClient({ endpoints, ...machine, timeout, dispatcher }))
  const cognito = cognitoApi({ options, flow, identityOf, clientCredentials })
  // The plugin's routes get @fastify/cookie in their own context (unless the app has it): the app's other routes get no hook.
  const documentOwnRoutes = openapiSecurity(fastify, options, endpoints)
  if (options.routes) {
    await fastify.register(async (scope) => {
      documentOwnRoutes(scope)
      if (!scope.hasPlugin('@fastify/cookie')) await scope.register(fastifyCookie)
      registerRoutes(scope, options, cognito)
    })
  }
  composableGuards(fastify, options.loginPath)
  // null until authRequired fills it; declared so every request has the same shape.
  fastify.decorateRequest('cognito', null as unknown as FastifyRequest['cognito'])
  fastify.decorate('authRequired', authRequired)
  fastify.decorate('authOptional', authOptional)
  fastify.decorate('cognito', cognito)
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
export type { ClientCredentialsOptions, MachineClient } from './client-credentials.js'
export type { CognitoApi, LoginIdentity, LoginOptions } from './cognito-api.js'
export type { CognitoIdentity } from './identity.js'
export { callbackRouteOptions } from './routes.js'
export type { AuthorizeParams, CognitoAuthOptions } from './options.js'
export type { TrustedPoolOptions } from './pools.js'
export type { AccessTokenClaims, IdTokenClaims } from './verifier.js'
