import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify'
import type { CognitoApi } from './cognito-api.js'
import type { AuthorizeParams, ResolvedOptions } from './options.js'
import { checkFreePaths } from './paths.js'

type Query = Record<string, string | string[] | undefined>

/** The request as Fastify logs it, without the query: log lines must not carry the callback's code or state, wherever they stand. */
function redactedRequest (req: FastifyRequest): Record<string, unknown> {
  const [path, query] = req.url.split('?', 2)
  return { method: req.method, url: query === undefined ? path : `${path}?[redacted]`, host: req.host, remoteAddress: req.ip }
}

/**
 * Route options for a postlogin route the app writes itself (`routes: false`): Fastify's request log then shows
 * its path without the query, so the code and state never reach a log line.
 * @example app.get('/postlogin', callbackRouteOptions, async (request, reply) => { await app.cognito.callback(request, reply); … })
 */
export const callbackRouteOptions: RouteShorthandOptions = { logSerializers: { req: redactedRequest } }

/** The login route, the postlogin callback, GET and POST logout, and the postlogout route, over `app.cognito`'s flow calls. */
export function registerRoutes (app: FastifyInstance, options: ResolvedOptions, cognito: CognitoApi): void {
  const { loginPath, logoutPath } = options
  const postlogin = options.redirectUrl.pathname
  const postlogout = options.logoutUrl.pathname
  checkFreePaths(app, [['loginPath', 'GET', loginPath], ['logoutPath', 'GET', logoutPath], ['logoutPath', 'POST', logoutPath], ['redirectUrl', 'GET', postlogin], ['logoutUrl', 'GET', postlogout]])

  app.get(loginPath, async (request, reply) => {
    const query = request.query as Query
    // Only strings get through: login() keeps the allow-listed parameters of the query, and checks returnTo.
    return cognito.login(request, reply, { returnTo: query.returnTo as string | undefined, authorizeParams: query as AuthorizeParams })
  })

  app.get(postlogin, callbackRouteOptions, async (request, reply) => {
    const { returnTo } = await cognito.callback(request, reply)
    return reply.redirect(returnTo ?? options.afterLogin)
  })

  // A form's POST may carry a body; nothing in it is read.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: 4096 }, (_request, _body, done) => { done(null, {}) })
  }
  app.route({
    method: ['GET', 'POST'],
    url: logoutPath,
    handler: async (request, reply) => reply.redirect(await cognito.logout(request, reply), request.method === 'POST' ? 303 : 302)
  })

  // Cognito sends the browser here after its logout; the logout route already ended the session, so this changes nothing (and a cross-site link to it logs nobody out).
  app.get(postlogout, async (_request, reply) => reply.header('cache-control', 'no-store').redirect(options.afterLogout))
}
