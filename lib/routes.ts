import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { loginFlow } from './flow.js'
import { passedThrough } from './flow.js'
import type { ResolvedOptions } from './options.js'

type Query = Record<string, string | string[] | undefined>

/** The request as Fastify logs it, without the callback's query: log lines must not carry the code or state, wherever they stand. */
function redactedRequest (req: FastifyRequest): Record<string, unknown> {
  const [path, query] = req.url.split('?', 2)
  return { method: req.method, url: query === undefined ? path : `${path}?[redacted]`, host: req.host, remoteAddress: req.ip }
}

/** GET /login, the postlogin callback, GET and POST /logout, and the postlogout route, over the flow's steps. */
export function registerRoutes (app: FastifyInstance, options: ResolvedOptions, flow: ReturnType<typeof loginFlow>): void {
  app.get('/login', async (request, reply) => {
    const query = request.query as Query
    return reply.redirect(flow.start(request, reply, { returnTo: query.returnTo, authorizeParams: passedThrough(query) }))
  })

  app.get(options.redirectUrl.pathname, { logSerializers: { req: redactedRequest } }, async (request, reply) => {
    const { returnTo } = await flow.callback(request, reply)
    return reply.redirect(returnTo ?? options.afterLogin)
  })

  // A form's POST may carry a body; nothing in it is read.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: 4096 }, (_request, _body, done) => { done(null, {}) })
  }
  app.route({
    method: ['GET', 'POST'],
    url: '/logout',
    handler: async (request, reply) => {
      const location = await flow.logout(request, reply) ?? options.afterLogout
      return reply.redirect(location, request.method === 'POST' ? 303 : 302)
    }
  })

  // Cognito sends the browser here after its logout; /logout already ended the session, so this changes nothing (and a cross-site link to it logs nobody out).
  app.get(options.logoutUrl.pathname, async (_request, reply) => {
    return reply.header('cache-control', 'no-store').redirect(options.afterLogout)
  })
}
