import assert from 'node:assert/strict'
import { test } from 'node:test'
import fastifyAuth from '@fastify/auth'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import cognitoAuth from '../../lib/index.js'
import { startCognitoEmulator, type CognitoEmulator } from '../../lib/testing/index.js'
import { SECRET } from '../helpers/app.js'

const API_KEY = 'an-api-key-for-the-test-0123456789'
const html = { accept: 'text/html' }

/** The other strategy: an API key header. It records that it was asked, so a test can see the Cognito strategy let it decide. */
function apiKey (asked: string[]) {
  return async function apiKeyStrategy (request: FastifyRequest): Promise<void> {
    asked.push(request.url)
    if (request.headers['x-api-key'] !== API_KEY) throw Object.assign(new Error('bad api key'), { statusCode: 401, code: 'APP_BAD_API_KEY' })
  }
}

interface AuthApp { app: FastifyInstance, idp: CognitoEmulator, asked: string[], bearer: (username: string) => Record<string, string> }

/** The plugin, @fastify/auth, and routes that compose `app.authRequired` with an API key both ways. */
async function authApp (t: { after: (fn: () => Promise<void>) => void }): Promise<AuthApp> {
  const idp = await startCognitoEmulator({ clients: [{ clientId: 'testclient', clientSecret: 'test-client-secret-0123456789abcdefghijklmnop', callbackUrls: ['http://localhost/postlogin'], logoutUrls: ['http://localhost/postlogout'] }] })
  t.after(async () => await idp.close())
  const asked: string[] = []
  const app = Fastify()
  await app.register(cognitoAuth, { ...idp.pluginOptions(), secret: SECRET, redirectUrl: 'http://localhost/postlogin', logoutUrl: 'http://localhost/postlogout' })
  await app.register(fastifyAuth)
  app.get('/either', { preHandler: app.auth([app.authRequired(), apiKey(asked)], { relation: 'or' }) }, async (request) => ({ user: request.cognito?.username ?? null }))
  app.get('/both', { preHandler: app.auth([apiKey(asked), app.authRequired({ groups: ['admin'] })], { relation: 'and' }) }, async (request) => ({ user: request.cognito.username }))
  app.get('/direct', { preHandler: app.authRequired() }, async (request) => ({ user: request.cognito.username }))
  t.after(async () => await app.close())
  const bearer = (username: string): Record<string, string> => ({ authorization: `Bearer ${idp.issueTokens({ username }).access_token}` })
  return { app, idp, asked, bearer }
}

test("relation 'or': a Cognito user or an API key gets in; a refused Cognito strategy lets the API key decide, with no reply sent", async (t) => {
  const { app, asked, bearer } = await authApp(t)
  const user = await app.inject({ url: '/either', headers: bearer('carol') })
  assert.equal(user.statusCode, 200)
  assert.deepEqual(user.json(), { user: 'carol' })
  assert.deepEqual(asked, [], 'the API key is not asked once Cognito said yes')

  for (const headers of [{ 'x-api-key': API_KEY }, { ...html, 'x-api-key': API_KEY }, { authorization: 'Bearer forged', 'x-api-key': API_KEY }]) {
    const res = await app.inject({ url: '/either', headers })
    assert.equal(res.statusCode, 200, 'a browser navigation is not redirected while the next strategy may still say yes')
    assert.deepEqual(res.json(), { user: null })
    assert.equal(res.headers.location, undefined)
  }
  assert.equal(asked.length, 3)
})

test("relation 'or': when every strategy refuses, an API caller gets 401 and a browser navigation the login redirect", async (t) => {
  const { app } = await authApp(t)
  const api = await app.inject({ url: '/either', headers: { 'x-api-key': 'wrong' } })
  assert.equal(api.statusCode, 401)
  assert.equal(api.json().code, 'APP_BAD_API_KEY')

  const browser = await app.inject({ url: '/either?page=2', headers: html })
  assert.equal(browser.statusCode, 302)
  assert.equal(browser.headers.location, '/login?returnTo=%2Feither%3Fpage%3D2')
  assert.equal(browser.headers['cache-control'], 'no-store')
  assert.equal(browser.headers['www-authenticate'], undefined)
  assert.equal(browser.body, '')
})

test("relation 'and': an API key and an admin are both needed; each missing half is refused with its own error", async (t) => {
  const { app, bearer } = await authApp(t)
  const ok = await app.inject({ url: '/both', headers: { ...bearer('alice'), 'x-api-key': API_KEY } })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { user: 'alice' })

  const noUser = await app.inject({ url: '/both', headers: { 'x-api-key': API_KEY } })
  assert.equal(noUser.statusCode, 401)
  assert.equal(noUser.json().code, 'FST_COGNITO_UNAUTHENTICATED')
  assert.equal(noUser.headers['www-authenticate'], 'Bearer')

  const noKey = await app.inject({ url: '/both', headers: bearer('alice') })
  assert.equal(noKey.statusCode, 401)
  assert.equal(noKey.json().code, 'APP_BAD_API_KEY')

  const notAdmin = await app.inject({ url: '/both', headers: { ...bearer('bob'), 'x-api-key': API_KEY } })
  assert.equal(notAdmin.statusCode, 403)
  assert.equal(notAdmin.json().code, 'FST_COGNITO_FORBIDDEN')

  const browser = await app.inject({ url: '/both', headers: { ...html, 'x-api-key': API_KEY } })
  assert.equal(browser.statusCode, 302)
  assert.equal(browser.headers.location, '/login?returnTo=%2Fboth')
})

test('with @fastify/auth registered, a guard used on its own still redirects browser navigations and answers API callers with 401', async (t) => {
  const { app, bearer } = await authApp(t)
  assert.equal((await app.inject({ url: '/direct', headers: html })).headers.location, '/login?returnTo=%2Fdirect')
  const api = await app.inject({ url: '/direct' })
  assert.equal(api.statusCode, 401)
  assert.equal(api.json().code, 'FST_COGNITO_UNAUTHENTICATED')
  assert.equal((await app.inject({ url: '/direct', headers: bearer('bob') })).json().user, 'bob')
})

test('maxAuthAge inside fastify.auth: a stale browser sign-in is sent to the login with prompt=login, never in a silent loop', async (t) => {
  const { app, idp } = await authApp(t)
  app.get('/sensitive', { preHandler: app.auth([app.authRequired({ maxAuthAge: 300 })]) }, async (request) => ({ user: request.cognito.username }))
  const token = idp.issueTokens({ username: 'alice' }).access_token
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(301_000)
  const res = await app.inject({ url: '/sensitive', headers: { ...html }, cookies: { 'cognito-access-token': token } })
  assert.equal(res.statusCode, 302)
  assert.equal(res.headers.location, '/login?prompt=login&returnTo=%2Fsensitive')
})

test('a denial inside fastify.auth is audited only when the request really ends denied', async (t) => {
  const { subscribe, unsubscribe } = await import('node:diagnostics_channel')
  const seen: unknown[] = []
  const listener = (message: unknown): void => { seen.push(message) }
  subscribe('fastify-cognito-auth:denied', listener)
  t.after(() => { unsubscribe('fastify-cognito-auth:denied', listener) })
  const { app } = await authApp(t)
  assert.equal((await app.inject({ url: '/either', headers: { 'x-api-key': API_KEY } })).statusCode, 200)
  assert.deepEqual(seen, [], 'the API key let it through: no denial')
  assert.equal((await app.inject({ url: '/either', headers: { 'x-api-key': 'wrong' } })).statusCode, 401)
  assert.equal(seen.length, 1)
})
