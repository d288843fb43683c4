import type { FastifyReply, FastifyRequest } from 'fastify'
import { deferDenial, deferLogin, loginLocation } from './auth-compose.js'
import { ForbiddenError, InsufficientScopeError, InvalidOptionError, SignInTooOldError } from './errors.js'
import { about, publish, type AuditMessage } from './events.js'
import type { Identity } from './identity.js'

/** Options of `app.authRequired(...)`. */
export interface AuthRequiredOptions {
  /** Cognito groups the user must be in: all of them, or any one with `anyGroup`. */
  groups?: string[]
  /** Pass when the user is in any one of `groups`. Default false (all). */
  anyGroup?: boolean
  /** OAuth scopes the access token must carry, all of them (custom `resource/scope` ones for client_credentials tokens). */
  scopes?: string[]
  /**
   * Seconds since the user signed in (`auth_time`) beyond which the route asks for a fresh sign-in: browsers are sent
   * to the login with `prompt=login`, API callers get RFC 9470's `insufficient_user_authentication` challenge.
   */
  maxAuthAge?: number
  /** User pool ids (the app's own, or of `trustedPools`) whose callers may pass; others get 403. Default: every configured pool. */
  pools?: string[]
}

/** The verdict of a check that answered the request itself (a redirect to the login). */
export const REPLIED = new Error('replied')

/** What a route decides about an authenticated caller: an error, undefined to pass, or `REPLIED`. */
export type Verdict = Error | undefined

export const isBrowserNavigation = (request: FastifyRequest): boolean =>
  (request.method === 'GET' || request.method === 'HEAD') && (request.headers.accept ?? '').includes('text/html')

function names (option: string, value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((g) => typeof g !== 'string' || g === '')) {
    throw new InvalidOptionError(option, 'a list of names is required')
  }
  return [...value]
}

/** Publishes a denial on a protected route, with its code and route. */
export function denied (request: FastifyRequest, caller: Identity | null, err: Error & { code?: string }): Error {
  const message = (): AuditMessage => ({ ...about(request, caller), code: err.code, route: request.routeOptions.url })
  if (!deferDenial(request, message)) publish('denied', message)
  return err
}

/**
 * The route's checks on an authenticated caller, built once per `authRequired(...)` call: scopes, groups, and how
 * recent the sign-in is. `bearer` callers get challenges, never a redirect.
 */
export function admission (route: AuthRequiredOptions, loginPath: string): (request: FastifyRequest, reply: FastifyReply, caller: Identity, bearer: boolean) => Verdict {
  const groups = names('authRequired.groups', route.groups)
  const scopes = names('authRequired.scopes', route.scopes)
  const anyGroup = route.anyGroup ?? false
  if (typeof anyGroup !== 'boolean') throw new InvalidOptionError('authRequired.anyGroup', 'a boolean is required')
  const maxAuthAge = route.maxAuthAge
  if (maxAuthAge !== undefined && (!Number.isInteger(maxAuthAge) || maxAuthAge < 0)) throw new InvalidOptionError('authRequired.maxAuthAge', 'a whole number of seconds is required')
  const wwwScope = `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`
  const wwwStepUp = `Bearer error="insufficient_user_authentication", error_description="sign-in too old", max_age="${maxAuthAge ?? 0}"`

  /** Whether the caller signed in too long ago; a machine's token (client_credentials: no `username`) signed nobody in. */
  const tooOld = (caller: Identity): boolean => {
    const signedIn = caller.claims.auth_time
    return caller.claims.username === undefined || typeof signedIn !== 'number' || signedIn < Math.floor(Date.now() / 1000) - (maxAuthAge as number)
  }

  return function admit (request, reply, caller, bearer) {
    if (scopes.length > 0) {
      const granted = (caller.claims.scope ?? '').split(' ')
      if (!scopes.every((s) => granted.includes(s))) {
        reply.header('www-authenticate', wwwScope)
        return denied(request, caller, new InsufficientScopeError())
      }
    }
    const member = (group: string): boolean => caller.groups.includes(group)
    if (groups.length > 0 && !(anyGroup ? groups.some(member) : groups.every(member))) return denied(request, caller, new ForbiddenError())
    if (maxAuthAge !== undefined && tooOld(caller)) {
      const err = denied(request, caller, new SignInTooOldError())
      // Cognito shows its form even with a live hosted-UI session, and the new token carries a new auth_time.
      const location = loginLocation(loginPath, request).replace('?', '?prompt=login&')
      if (!bearer && isBrowserNavigation(request) && !deferLogin(request, location)) {
        reply.header('cache-control', 'no-store').redirect(location)
        return REPLIED
      }
      reply.header('www-authenticate', wwwStepUp)
      return err
    }
    request.cognito = caller as FastifyRequest['cognito']
    return undefined
  }
}
