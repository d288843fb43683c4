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
  // Users seen before, as an app's database would keep them: onLogin greets the first sign-in of each.
  const known = new Set<string>()
  const greet = new Set<string>()
  await app.register(cognitoAuth, {
    ...options,
    onLogin: (_request, _reply, { identity }) => {
      if (!known.has(identity.sub)) greet.add(identity.sub)
      known.add(identity.sub)
    }
  })
  if (options.routes === false) ownLoginRoutes(app)

  app.get('/', { preHandler: app.authOptional() }, async (request, reply) => {
    const user = request.cognito?.username
    const first = request.cognito !== null && greet.delete(request.cognito.sub)
    const body = user === undefined
      ? '<p>You are not logged in.</p><p><a href="/login">Log in</a></p>'
      : `${first ? `<p id="welcome">Welcome, ${escape(user)}: this is your first sign-in here.</p>` : ''}<p>Logged in as <strong id="user">${escape(user)}</strong> (groups: ${escape(request.cognito.groups.join(', ') || 'none')}).</p>
<p><a href="/claims">Claims</a> · <a href="/admin">Admin</a> · <a href="/edit">Edit</a> · <a href="/logout">Log out</a></p>`
    return reply.type('text/html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fastify-cognito-auth example</title></head>
<body><h1>fastify-cognito-auth example</h1>${body}</body></html>`)
  })

  // As the seed's app does: the claims and the user info of the current login, as JSON.
  app.get('/claims', { preHandler: app.authRequired() }, async (request) => ({
    claims: request.cognito.claims,
    user_info: request.cognito.userInfo
  }))

  // A sensitive page: only for a sign-in of the last five minutes (older ones are asked for the password again).
  app.get('/admin', { preHandler: app.authRequired({ groups: ['admin'], maxAuthAge: 300 }) }, async (request) => ({
    message: `Welcome to the admin area, ${request.cognito.username}`,
    groups: request.cognito.groups
  }))

  app.get('/edit', { preHandler: app.authRequired({ groups: ['admin', 'editor'], anyGroup: true }) }, async (request) => ({
    message: `${request.cognito.username} may edit`,
    groups: request.cognito.groups
  }))

  return app
}
