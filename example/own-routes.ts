import type { FastifyInstance } from 'fastify'
import { callbackRouteOptions } from '../lib/index.js'

/**
 * The seed's four views written by the app itself, as flask-cognito-lib's decorators let it: register the plugin
 * with `routes: false`, then these. Each body is the app's own: here the callback sends admins to /admin.
 */
export function ownLoginRoutes (app: FastifyInstance): void {
  app.get('/login', async (request, reply) => {
    // prompt=login comes from routes with maxAuthAge, asking for a fresh sign-in.
    const { returnTo, prompt } = request.query as { returnTo?: string, prompt?: string }
    return app.cognito.login(request, reply, { returnTo, authorizeParams: { prompt } })
  })

  app.get('/postlogin', callbackRouteOptions, async (request, reply) => {
    const user = await app.cognito.callback(request, reply)
    return reply.redirect(user.returnTo ?? (user.groups.includes('admin') ? '/admin' : '/'))
  })

  // A logout form posts here; its body carries nothing to read.
  app.addContentTypeParser('application/x-www-form-urlencoded', (_request, _payload, done) => { done(null, {}) })
  app.route({
    method: ['GET', 'POST'],
    url: '/logout',
    handler: async (request, reply) => reply.redirect(await app.cognito.logout(request, reply), request.method === 'POST' ? 303 : 302)
  })

  app.get('/postlogout', async (_request, reply) => reply.redirect('/'))
}
