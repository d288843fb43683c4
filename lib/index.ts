import fastifyCookie from '@fastify/cookie'
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { composableGuards } from './auth-compose.js'
import type { AuthRequiredOptions } from './auth-required.js'
import type { CognitoApi } from './cognito-api.js'
import { warnOnUnreachableCallback } from './listen-warning.js'
import type { CognitoIdentity } from './identity.js'
import { openapiSecurity } from './openapi.js'
import { resolveOptions, type CognitoAuthOptions, type ResolvedOptions } from './options.js'
import { wirePool, type PoolWiring } from './pool-wiring.js'
import { registerRoutes } from './routes.js'
import { cookieNames, sessionCodec, type SessionCodec } from './session.js'
import { sharedState } from './store/setup.js'
import { tenantCookieNames, tenantDispatch } from './tenants/dispatch.js'
import { resolveTenants, type CognitoTenantsOptions, type ResolvedTenants } from './tenants/options.js'
import type { AccessTokenClaims } from './verifier.js'

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

const plugin: FastifyPluginAsync<CognitoAuthOptions | CognitoTenantsOptions> = async (fastify, opts) => {
  const tenants = resolveTenants(opts)
  const options = tenants?.shared ?? resolveOptions(opts as CognitoAuthOptions)
  if (options.disabled) fastify.log.warn('fastify-cognito-auth: disabled (test mode): every protected route lets requests through as a test identity')
  // One store per app, every pool's and tenant's: their keys never meet (login ids, refresh digests, random session ids).
  const shared = await sharedState(options, fastify.log)
  fastify.addHook('onClose', async () => { await shared.store.close() })
  const wire = async (poolOptions: ResolvedOptions, tenant?: string): Promise<PoolWiring> => {
    warnOnUnreachableCallback(fastify, poolOptions.redirectUrl)
    let codec!: SessionCodec
    // An empty context: secure-session's hooks there never run, the plugin opens its cookies only where it needs them.
    await fastify.register(async (sealer) => { codec = await sessionCodec(sealer, poolOptions, tenant) })
    return wirePool(poolOptions, codec, tenantCookieNames(cookieNames(poolOptions), tenant), shared, tenant)
  }
  const pool = tenants === undefined ? await wire(options) : undefined
  const perTenant = new Map<string, PoolWiring>()
  for (const [key, tenantOptions] of tenants?.options ?? []) perTenant.set(key, await wire(tenantOptions, key))
  const { handlers: { authRequired, authOptional }, cognito } = pool ?? tenantDispatch(perTenant, (tenants as ResolvedTenants).tenantOf)
  // The OpenAPI security schemes describe one pool: tenants have several.
  const documentOwnRoutes = pool === undefined ? () => {} : openapiSecurity(fastify, options, pool.endpoints)
  // null until authRequired fills it; declared before the routes' context, so every request has the same shape.
  fastify.decorateRequest('cognito', null as unknown as FastifyRequest['cognito'])
  // The plugin's routes get @fastify/cookie in their own context (unless the app has it): the app's other routes get no hook.
  if (options.routes) {
    await fastify.register(async (scope) => {
      documentOwnRoutes(scope)
      if (!scope.hasPlugin('@fastify/cookie')) await scope.register(fastifyCookie)
      registerRoutes(scope, options, cognito)
    })
  }
  composableGuards(fastify)
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
export type { CognitoHooks, LoginTokens } from './hooks.js'
export type { AuditEvent, AuditMessage } from './events.js'
export { callbackRouteOptions } from './routes.js'
export type { RedisClient } from './store/redis-client.js'
export type { AuthorizeParams, CognitoAuthOptions } from './options.js'
export type { TrustedPoolOptions } from './pools.js'
export type { CognitoTenantsOptions, TenantOptions } from './tenants/options.js'
export type { AccessTokenClaims, IdTokenClaims } from './verifier.js'
