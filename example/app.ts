import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import cognitoAuth, { type CognitoAuthOptions } from '../lib/index.js'
import { ownLoginRoutes } from './own-routes.js'

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The seed's example app: a home page, /claims, /admin and /edit behind Cognito, and the plugin's login routes
 * (or, with `routes: false` in the options, the seed's four views written by the app: see own-routes.ts).
 */
export async function buildExampleApp (options: CognitoAuthOptions, fastifyOptions: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions)
  await app.register(cognitoAuth, options)
  if (options.routes === false) ownLoginRoutes(app)

  app.get('/', { preHandler: app.authOptional() }, async (request, reply) => {
    const user = request.cognito?.username
    const body = user === undefined
      ? '<p>You are not logged in.</p><p><a href="/login">Log in</a></p>'
      : `<p>Logged in as <strong id="user">${escape(user)}</strong> (groups: ${escape(request.cognito.groups.join(', ') || 'none')}).</p>
<p><a href="/claims">Claims</a> · <a href="/admin">Admin</a> · <a href="/edit">Edit</a> · <a href="/logout">Log out</a></p>`
    return reply.type('text/html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fastify-cognito-auth example</title></head>
<body><h1>fastify-cognito-auth example</h1>${body}</body></html>`)
  })

  // As the seed's app does: the claims and the user info of the current login, as JSON.
  app.get('/claims', { preHandler: app.authRequired() }, async (request) => ({
    claims: request.cognito.claims,
    user_info: request.cognito.userInfo
  }))

  app.get('/admin', { preHandler: app.authRequired({ groups: ['admin'] }) }, async (request) => ({
    message: `Welcome to the admin area, ${request.cognito.username}`,
    groups: request.cognito.groups
  }))

  app.get('/edit', { preHandler: app.authRequired({ groups: ['admin', 'editor'], anyGroup: true }) }, async (request) => ({
    message: `${request.cognito.username} may edit`,
    groups: request.cognito.groups
  }))

  return app
}
