import fastifyCookie from '@fastify/cookie'
import fastifySecureSession from '@fastify/secure-session'
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { authHandlers, type AuthRequiredOptions, type CognitoIdentity } from './auth-required.js'
import { cognitoEndpoints } from './endpoints.js'
import { InvalidOptionError } from './errors.js'
import { resolveOptions, type CognitoAuthOptions } from './options.js'
import { registerRoutes } from './routes.js'
import { cookieOptions, SESSION_COOKIE, SESSION_NAME, sessionKeys, type CognitoSession } from './session.js'
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
    authRequired (options?: AuthRequiredOptions): preHandlerAsyncHookHandler
    /**
     * A preHandler that fills `request.cognito` when the caller is logged in and lets everyone through.
     * @example app.get('/', { preHandler: app.authOptional() }, async (req) => req.cognito?.username ?? 'guest')
     */
    authOptional (): preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    /** The caller, set by `authRequired`; `null` on routes it does not protect. */
    cognito: CognitoIdentity<CognitoAccessClaims, CognitoUserInfo>
  }
}

const plugin: FastifyPluginAsync<CognitoAuthOptions> = async (fastify, opts) => {
  const options = resolveOptions(opts)
  const paths = ['/login', '/logout', options.redirectUrl.pathname, options.logoutUrl.pathname]
  if (new Set(paths).size !== paths.length) {
    throw new InvalidOptionError('redirectUrl', 'the postlogin and postlogout paths must differ from each other and from /login and /logout')
  }
  const endpoints = cognitoEndpoints(options)
  const cookie = cookieOptions(options)
  const { clientId, clientSecret, requestTimeout: timeout, dispatcher } = options
  const tokenClient = new TokenClient({ endpoints, clientId, clientSecret, timeout, dispatcher })
  const verifier = new CognitoVerifier({ issuer: options.issuer, clientId, jwksUri: endpoints.jwks, leeway: options.expirationLeeway, timeout, dispatcher })

  if (!fastify.hasPlugin('@fastify/cookie')) await fastify.register(fastifyCookie)
  let decodeSession!: (cookie: string, log: typeof fastify.log) => CognitoSession | null
  // secure-session decodes on every request of the context it is registered in: keep it to the plugin's own routes.
  await fastify.register(async (scope) => {
    await scope.register(fastifySecureSession, {
      sessionName: SESSION_NAME,
      cookieName: SESSION_COOKIE,
      key: sessionKeys(options.secrets),
      cookie,
      expiry: options.cookieMaxAge
    })
    decodeSession = (value, log) => scope.decodeSecureSession(value, log, SESSION_NAME) as CognitoSession | null
    registerRoutes(scope, { options, endpoints, tokenClient, verifier, cookie })
  })

  // null until authRequired fills it; declared so every request has the same shape.
  fastify.decorateRequest('cognito', null as unknown as FastifyRequest['cognito'])
  const { authRequired, authOptional } = authHandlers({
    verifier,
    leeway: options.expirationLeeway,
    cookie,
    decodeSession: (value, log) => decodeSession(value, log)
  })
  fastify.decorate('authRequired', authRequired)
  fastify.decorate('authOptional', authOptional)
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
export type { AuthRequiredOptions, CognitoIdentity } from './auth-required.js'
export type { CognitoAuthOptions } from './options.js'
export type { AccessTokenClaims, IdTokenClaims } from './verifier.js'
