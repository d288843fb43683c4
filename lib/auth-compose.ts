import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'

/** Route config flag: the route's guards may run inside `fastify.auth([...])`, so a login redirect waits for the outcome. */
const kDeferLogin = Symbol('fastify-cognito-auth.deferLogin')
const wantsLogin = new WeakSet<FastifyRequest>()

/** Where an unauthenticated browser navigation is sent: `loginPath`, back to this URL afterwards. */
export const loginLocation = (loginPath: string, request: FastifyRequest): string => `${loginPath}?returnTo=${encodeURIComponent(request.url)}`

/**
 * On a route of a context with @fastify/auth, a guard that would redirect a browser navigation to `/login` fails like
 * any strategy instead (so the next one decides, with no reply sent) and the redirect replaces the 401 only if the
 * request ends in one. True when the redirect is deferred that way; false when the guard sends it itself.
 */
export function deferLogin (request: FastifyRequest): boolean {
  if ((request.routeOptions.config as unknown as Record<symbol, unknown> | undefined)?.[kDeferLogin] !== true) return false
  wantsLogin.add(request)
  return true
}

/** Routes added where @fastify/auth is registered get the deferred login redirect; others keep the guard's own. */
export function composableGuards (fastify: FastifyInstance, loginPath: string): void {
  const loginRedirect: onSendHookHandler = function (request: FastifyRequest, reply: FastifyReply, payload, done) {
    if (reply.statusCode !== 401 || !wantsLogin.has(request)) {
      done(null, payload)
      return
    }
    for (const name of ['www-authenticate', 'content-type', 'content-length']) reply.removeHeader(name)
    reply.code(302).header('location', loginLocation(loginPath, request)).header('cache-control', 'no-store')
    done(null, null)
  }
  fastify.addHook('onRoute', function (route) {
    if (!this.hasPlugin('@fastify/auth')) return
    route.config = { ...route.config, [kDeferLogin]: true } as typeof route.config
    route.onSend = [route.onSend ?? []].flat().concat(loginRedirect)
  })
}
