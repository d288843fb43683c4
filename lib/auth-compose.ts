import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import { publish, type AuditMessage } from './events.js'

/** Route config flag: the route's guards may run inside `fastify.auth([...])`, so a login redirect waits for the outcome. */
const kDeferLogin = Symbol('fastify-cognito-auth.deferLogin')
/** Where a deferred login redirect goes, by request (the step-up one carries `prompt=login`). */
const wantsLogin = new WeakMap<FastifyRequest, string>()
/** A denial to publish only if the request really ends denied (another strategy may let it through). */
const denials = new WeakMap<FastifyRequest, () => AuditMessage>()

const composed = (request: FastifyRequest): boolean =>
  (request.routeOptions.config as unknown as Record<symbol, unknown> | undefined)?.[kDeferLogin] === true

/** Where an unauthenticated browser navigation is sent: `loginPath`, back to this URL afterwards. */
export const loginLocation = (loginPath: string, request: FastifyRequest): string => `${loginPath}?returnTo=${encodeURIComponent(request.url)}`

/**
 * On a route of a context with @fastify/auth, a guard that would redirect a browser navigation to `/login` fails like
 * any strategy instead (so the next one decides, with no reply sent) and the redirect replaces the 401 only if the
 * request ends in one. True when the redirect is deferred that way; false when the guard sends it itself.
 */
export function deferLogin (request: FastifyRequest, location: string): boolean {
  if (!composed(request)) return false
  wantsLogin.set(request, location)
  return true
}

/** On such a route, a denial is published when the answer goes out, and only if it is a 401 or 403. True when deferred. */
export function deferDenial (request: FastifyRequest, message: () => AuditMessage): boolean {
  if (!composed(request)) return false
  denials.set(request, message)
  return true
}

/** Routes added where @fastify/auth is registered get the deferred login redirect; others keep the guard's own. */
export function composableGuards (fastify: FastifyInstance): void {
  const loginRedirect: onSendHookHandler = function (request: FastifyRequest, reply: FastifyReply, payload, done) {
    const denial = denials.get(request)
    if (denial !== undefined && (reply.statusCode === 401 || reply.statusCode === 403)) publish('denied', denial)
    const location = wantsLogin.get(request)
    if (reply.statusCode !== 401 || location === undefined) {
      done(null, payload)
      return
    }
    for (const name of ['www-authenticate', 'content-type', 'content-length']) reply.removeHeader(name)
    reply.code(302).header('location', location).header('cache-control', 'no-store')
    done(null, null)
  }
  fastify.addHook('onRoute', function (route) {
    if (!this.hasPlugin('@fastify/auth')) return
    route.config = { ...route.config, [kDeferLogin]: true } as typeof route.config
    route.onSend = [route.onSend ?? []].flat().concat(loginRedirect)
  })
}
