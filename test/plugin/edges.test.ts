import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { MockAgent } from 'undici'
import { CookieStore } from '../../lib/cookies.js'
import { cognitoEndpoints } from '../../lib/endpoints.js'
import { TokenClient } from '../../lib/token-client.js'
import { Browser, json, last, logIn, startApp } from '../helpers/app.js'

test('the cookie store clears stale chunks when a value shrinks, and treats an empty cookie as absent', () => {
  const request = { cookies: { 'x.0': 'a'.repeat(3800), 'x.1': 'bbb' } } as unknown as FastifyRequest
  const set: string[] = []
  const cleared: string[] = []
  const reply = { setCookie: (name: string, value: string) => (value === '' ? cleared : set).push(name) } as unknown as FastifyReply
  const store = new CookieStore({ path: '/' })
  assert.equal(store.read(request, 'x'), `${'a'.repeat(3800)}bbb`)
  store.write(request, reply, 'x', 'short')
  assert.deepEqual(set, ['x'])
  assert.deepEqual(cleared, ['x.0', 'x.1'])
  assert.equal(store.read({ cookies: { x: '' } } as unknown as FastifyRequest, 'x'), undefined)
  assert.equal(store.read({ cookies: {} } as unknown as FastifyRequest, 'x'), undefined)
})

test('an empty access-token cookie counts as no credentials', async (t) => {
  const { app } = await startApp(t)
  const res = await app.inject({ url: '/claims', cookies: { 'cognito-access-token': '' } })
  assert.equal(res.statusCode, 401)
  assert.equal(res.headers['www-authenticate'], 'Bearer')
})

test('a bearer request while the JWKS is down gets 503, not 401', async (t) => {
  const { app, idp } = await startApp(t)
  idp.setJwksAvailable(false)
  const token = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  const res = await app.inject({ url: '/claims', headers: { authorization: `Bearer ${token}` } })
  assert.equal(res.statusCode, 503)
  assert.equal(res.json().code, 'FST_COGNITO_JWKS_UNAVAILABLE')
})

test('authOptional in test mode gives the test identity', async (t) => {
  const { app } = await startApp(t, {
    options: { disabled: true },
    routes: (a) => a.get('/home', { preHandler: a.authOptional() }, async (request) => ({ user: request.cognito.username, info: await request.cognito.fetchUserInfo() }))
  })
  const res = await app.inject('/home')
  assert.equal(res.json().user, 'test-user')
  assert.equal(res.json().info.sub, '00000000-0000-4000-8000-000000000000')
})

test('fetchUserInfo works for bearer callers too, checked against the token sub', async (t) => {
  const { app, idp } = await startApp(t, {
    routes: (a) => a.get('/me', { preHandler: a.authRequired() }, async (request) => await request.cognito.fetchUserInfo())
  })
  const token = idp.issueTokens({ username: 'carol', clientId: 'testclient' }).access_token
  const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json().username, 'carol')
})

test('a login without openid has no ID token and no user info; refresh still works and keeps it empty', async (t) => {
  const { url, idp } = await startApp(t, { options: { scopes: ['aws.cognito.signin.user.admin'], refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new Browser()
  const final = last(await logIn(browser, url, 'alice', '/claims'))
  assert.deepEqual(json(final).userInfo, {})
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  const res = await browser.fetch(`${url}/claims`)
  assert.equal(res.status, 200)
  assert.deepEqual(json(res).userInfo, {})
  assert.equal(idp.stats.tokenRequests, 2)
})

test('a callback with no query at all is refused with a coded 400', async (t) => {
  const { app } = await startApp(t)
  const res = await app.inject('/postlogin')
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().code, 'FST_COGNITO_INVALID_STATE')
})

test('the token client maps odd userInfo and revoke answers to FST_COGNITO_IDP_ERROR', async () => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const pool = agent.get('https://auth.example.com')
  pool.intercept({ path: '/oauth2/userInfo', method: 'GET' }).reply(200, 'not json')
  pool.intercept({ path: '/oauth2/userInfo', method: 'GET' }).reply(401, '{"error":"invalid_token"}')
  pool.intercept({ path: '/oauth2/revoke', method: 'POST' }).reply(400, '{"error":"unsupported_token_type"}')
  const client = new TokenClient({ endpoints: cognitoEndpoints({ domain: 'https://auth.example.com', issuer: 'https://issuer' }), clientId: 'c', timeout: 1000, dispatcher: agent })
  await assert.rejects(client.userInfo('t'), { code: 'FST_COGNITO_IDP_ERROR', message: /not JSON/ })
  await assert.rejects(client.userInfo('t'), { code: 'FST_COGNITO_IDP_ERROR', message: /status 401/ })
  await assert.rejects(client.revoke('r'), { code: 'FST_COGNITO_IDP_ERROR', message: /status 400/ })
})

test('cookieValue finds a whole cookie name only, first occurrence, with or without spaces', async () => {
  const { cookieValue } = await import('../../lib/cookies.js')
  assert.equal(cookieValue('a=1; b=2', 'b'), '2')
  assert.equal(cookieValue('a=1;b=2 ', 'b'), '2')
  assert.equal(cookieValue('b=first; b=second', 'b'), 'first')
  assert.equal(cookieValue('xb=1; b.0=2', 'b'), undefined)
  assert.equal(cookieValue('xb=1; b.0=2', 'b.0'), '2')
  assert.equal(cookieValue('a=b=c; b=3', 'b'), '3')
  assert.equal(cookieValue('', 'b'), undefined)
  assert.equal(cookieValue('b=', 'b'), '')
})

test('a lower-case bearer scheme is accepted; other schemes and an empty token are not', async (t) => {
  const { app, idp } = await startApp(t)
  const token = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  assert.equal((await app.inject({ url: '/claims', headers: { authorization: `bearer ${token}` } })).statusCode, 200)
  for (const authorization of [`Bearer${token}`, `Token ${token}`, 'Bearer ', 'Bearer']) {
    assert.equal((await app.inject({ url: '/claims', headers: { authorization, accept: 'application/json' } })).statusCode, 401, authorization.slice(0, 10))
  }
})
