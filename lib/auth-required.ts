import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { CookieSerializeOptions } from '@fastify/cookie'
import { ForbiddenError, InvalidOptionError, UnauthenticatedError } from './errors.js'
import { ACCESS_COOKIE, SESSION_COOKIE, type CognitoSession } from './session.js'
import { VerifiedTokenCache } from './token-cache.js'
import { TokenRejected, type AccessTokenClaims, type CognitoVerifier } from './verifier.js'

/** Options of `app.authRequired(...)`. */
export interface AuthRequiredOptions {
  /** Cognito groups the user must be in: all of them, or any one with `anyGroup`. */
  groups?: string[]
  /** Pass when the user is in any one of `groups`. Default false (all). */
  anyGroup?: boolean
}

/** The authenticated caller, on `request.cognito` behind `authRequired`. */
export interface CognitoIdentity<Claims = AccessTokenClaims, UserInfo = Record<string, unknown>> {
  /** Claims of the verified access token. */
  claims: Claims
  /** Claims of the ID token that came with the same login (profile, email, `custom:*`); `{}` when unknown. */
  userInfo: UserInfo
  /** `cognito:groups` of the access token. */
  groups: string[]
  /** Cognito username (`username` claim), or `sub` when the token has none. */
  username: string
  sub: string
}

export interface AuthDeps {
  verifier: CognitoVerifier
  leeway: number
  cookie: CookieSerializeOptions
  decodeSession: (cookie: string, log: FastifyRequest['log']) => CognitoSession | null
}

const isBrowserNavigation = (request: FastifyRequest): boolean =>
  (request.method === 'GET' || request.method === 'HEAD') && (request.headers.accept ?? '').includes('text/html')

function checkOptions ({ groups = [], anyGroup = false }: AuthRequiredOptions): { groups: string[], anyGroup: boolean } {
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string' || g === '')) {
    throw new InvalidOptionError('authRequired.groups', 'a list of group names is required')
  }
  if (typeof anyGroup !== 'boolean') throw new InvalidOptionError('authRequired.anyGroup', 'a boolean is required')
  return { groups: [...groups], anyGroup }
}

export interface AuthHandlers {
  authRequired: (options?: AuthRequiredOptions) => preHandlerAsyncHookHandler
  authOptional: () => preHandlerAsyncHookHandler
}

/** Builds `app.authRequired` (each call checks its options once) and `app.authOptional`. */
export function authHandlers (deps: AuthDeps): AuthHandlers {
  const cache = new VerifiedTokenCache<AccessTokenClaims>(10_000, deps.leeway)

  async function claimsOf (token: string): Promise<AccessTokenClaims> {
    const cached = cache.get(token, Math.floor(Date.now() / 1000))
    if (cached !== undefined) return cached
    const claims = await deps.verifier.verifyAccessToken(token)
    cache.set(token, claims)
    return claims
  }

  /** User info from the session, only when the session belongs to the same login as the token. */
  function userInfoFor (request: FastifyRequest, claims: AccessTokenClaims): Record<string, unknown> {
    const cookie = request.cookies[SESSION_COOKIE]
    const login = cookie === undefined ? undefined : deps.decodeSession(cookie, request.log)?.get('login')
    if (login === undefined || login.sub !== claims.sub || login.originJti !== claims.origin_jti) return {}
    return login.userInfo
  }

  async function deny (request: FastifyRequest, reply: FastifyReply, presented: boolean): Promise<FastifyReply> {
    if (presented) reply.clearCookie(ACCESS_COOKIE, deps.cookie)
    if (isBrowserNavigation(request)) {
      return reply.header('cache-control', 'no-store').redirect(`/login?returnTo=${encodeURIComponent(request.url)}`)
    }
    reply.header('www-authenticate', presented ? 'Bearer error="invalid_token"' : 'Bearer')
    throw new UnauthenticatedError()
  }

  /** The caller's identity, or whether a token was presented and refused. */
  async function authenticate (request: FastifyRequest): Promise<{ identity: CognitoIdentity } | { presented: boolean }> {
    const token = request.cookies[ACCESS_COOKIE]
    if (token === undefined || token === '') return { presented: false }
    let claims: AccessTokenClaims
    try {
      claims = await claimsOf(token)
    } catch (err) {
      if (!(err instanceof TokenRejected)) throw err
      request.log.debug({ reason: err.message }, 'fastify-cognito-auth: access token refused')
      return { presented: true }
    }
    const identity = { claims, userInfo: userInfoFor(request, claims), groups: claims['cognito:groups'] ?? [], username: claims.username ?? claims.sub, sub: claims.sub }
    return { identity }
  }

  function authRequired (options: AuthRequiredOptions = {}): preHandlerAsyncHookHandler {
    const { groups: required, anyGroup } = checkOptions(options)
    return async function cognitoAuthRequired (request, reply) {
      const outcome = await authenticate(request)
      if (!('identity' in outcome)) return await deny(request, reply, outcome.presented)
      const member = (group: string): boolean => outcome.identity.groups.includes(group)
      if (required.length > 0 && !(anyGroup ? required.some(member) : required.every(member))) throw new ForbiddenError()
      request.cognito = outcome.identity as FastifyRequest['cognito']
    }
  }

  /** Fills `request.cognito` when the caller is logged in, and lets everyone through. */
  function authOptional (): preHandlerAsyncHookHandler {
    return async function cognitoAuthOptional (request, reply) {
      const outcome = await authenticate(request)
      if ('identity' in outcome) request.cognito = outcome.identity as FastifyRequest['cognito']
      else if (outcome.presented) reply.clearCookie(ACCESS_COOKIE, deps.cookie)
    }
  }

  return { authRequired, authOptional }
}
