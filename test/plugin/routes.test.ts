import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import cognitoAuth from '../../lib/index.js'
import { Browser, json, last, logIn, startApp } from '../helpers/app.js'

const api = { headers: { accept: 'application/json' } }

test('custom loginPath and logoutPath: browsers are sent there, the flow works end to end, /login and /logout are free', async (t) => {
  const { url, app } = await startApp(t, {
    options: { loginPath: '/auth/signin', logoutPath: '/auth/signout' },
    routes: (a) => a.get('/login', async () => ({ mine: true }))
  })
  const browser = new Browser()
  const first = await browser.fetch(`${url}/claims`)
  assert.equal(first.status, 302)
  assert.equal(first.headers.location, '/auth/signin?returnTo=%2Fclaims')
  const hops = await logIn(browser, url, 'carol', '/claims')
  assert.equal(last(hops).url, `${url}/claims`)
  assert.equal(last(hops).status, 200)
  assert.deepEqual((await app.inject('/login')).json(), { mine: true }, 'the app keeps its own /login')
  assert.equal((await app.inject('/logout')).statusCode, 404)
  const out = await browser.fetch(`${url}/auth/signout`, { form: {}, headers: { origin: url } })
  assert.equal(out.status, 303)
  assert.equal(new URL(out.headers.location as string).pathname, '/logout')
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 401)
})

test('a flow path the app already serves fails registration with FST_COGNITO_INVALID_OPTION naming the option', async (t) => {
  const { options } = await startApp(t)
  const cases: Array<[string, (app: ReturnType<typeof Fastify>) => void, string]> = [
    ['GET /login', (app) => app.get('/login', async () => 'mine'), 'loginPath'],
    ['POST /logout', (app) => app.post('/logout', async () => 'mine'), 'logoutPath'],
    ['GET /postlogin', (app) => app.get('/postlogin', async () => 'mine'), 'redirectUrl'],
    ['GET /postlogout', (app) => app.get('/postlogout', async () => 'mine'), 'logoutUrl']
  ]
  for (const [what, route, option] of cases) {
    const app = Fastify()
    route(app)
    await assert.rejects(async () => { await app.register(cognitoAuth, options).ready() }, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'FST_COGNITO_INVALID_OPTION', what)
      assert.match(err.message, new RegExp(`^Invalid option ${option}: ${what} is already a route of the app`))
      return true
    })
    await app.close()
  }
  // With routes: false the plugin registers nothing, so the app's own routes are no clash.
  const own = Fastify()
  own.get('/login', async () => 'mine')
  await own.register(cognitoAuth, { ...options, routes: false }).ready()
  await own.close()
})

test('routes: false registers none of the four routes, and unauthenticated browsers still go to loginPath', async (t) => {
  const { app } = await startApp(t, { options: { routes: false, loginPath: '/signin' } })
  for (const url of ['/login', '/signin', '/postlogin', '/logout', '/postlogout']) assert.equal((await app.inject(url)).statusCode, 404, url)
  assert.equal((await app.inject({ url: '/logout', method: 'POST' })).statusCode, 404)
  assert.equal((await app.inject({ url: '/claims', headers: { accept: 'text/html' } })).headers.location, '/signin?returnTo=%2Fclaims')
})

test('the app\'s own handlers: a "Sign in with Google" login, a callback that returns the identity, a logout that returns the URL', async (t) => {
  const seen: Array<Record<string, unknown>> = []
  const { url, idp } = await startApp(t, {
    options: { routes: false, authorizeParams: { lang: 'fr' } },
    routes: (a) => {
      a.get('/login', async (request, reply) => a.cognito.login(request, reply, { returnTo: '/claims', authorizeParams: { identity_provider: 'COGNITO', lang: 'de', redirect_uri: 'https://evil.example' } as never }))
      a.get('/postlogin', async (request, reply) => {
        const user = await a.cognito.callback(request, reply)
        seen.push({ username: user.username, groups: user.groups, returnTo: user.returnTo, email: user.userInfo.email, same: request.cognito === user, json: JSON.stringify(user) })
        return reply.redirect(user.groups.includes('admin') ? '/admin' : '/')
      })
      a.get('/logout', async (request, reply) => reply.redirect(await a.cognito.logout(request, reply)))
    }
  })
  const browser = new Browser()
  const start = await browser.fetch(`${url}/login`)
  const authorize = new URL(start.headers.location as string)
  assert.equal(authorize.searchParams.get('identity_provider'), 'COGNITO')
  assert.equal(authorize.searchParams.get('lang'), 'fr', 'what the options pin wins')
  assert.equal(authorize.searchParams.get('redirect_uri'), `${url}/postlogin`)
  const hops = await logIn(browser, url, 'alice')
  assert.equal(last(hops).url, `${url}/admin`)
  assert.equal(seen.length, 1)
  assert.deepEqual({ ...seen[0], json: undefined }, { username: 'alice', groups: ['admin'], returnTo: '/claims', email: 'alice@example.com', same: true, json: undefined })
  assert.doesNotMatch(String(seen[0]?.json), /returnTo|eyJ/, 'serialised, the identity shows no token')
  // A cross-site logout ends nothing and is sent to afterLogout; a same-site one returns the Hosted UI logout URL.
  const cross = await browser.fetch(`${url}/logout`, { headers: { 'sec-fetch-site': 'cross-site' } })
  assert.equal(cross.headers.location, '/')
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
  const out = await browser.fetch(`${url}/logout`)
  assert.equal(new URL(out.headers.location as string).origin, idp.domain)
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 401)
  // Misuse of the callback is the same coded error as the built-in route's.
  const replay = await browser.fetch(`${url}/postlogin?state=x&code=y`, api)
  assert.equal(replay.status, 400)
  assert.equal(json(replay).code, 'FST_COGNITO_INVALID_STATE')
})
