import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, json, logIn, startApp } from '../helpers/app.js'

const asJson = { accept: 'application/json' }

test('no credentials: 401 with WWW-Authenticate: Bearer for APIs, a redirect to /login with returnTo for browser navigations', async (t) => {
  const { app } = await startApp(t)
  const api = await app.inject({ url: '/claims', headers: asJson })
  assert.equal(api.statusCode, 401)
  assert.equal(api.headers['www-authenticate'], 'Bearer')
  assert.equal(api.json().code, 'FST_COGNITO_UNAUTHENTICATED')
  const page = await app.inject({ url: '/admin?tab=users', headers: { accept: 'text/html,application/xhtml+xml' } })
  assert.equal(page.statusCode, 302)
  assert.equal(page.headers.location, '/login?returnTo=%2Fadmin%3Ftab%3Dusers')
  assert.equal(page.headers['cache-control'], 'no-store')
  const post = await app.inject({ method: 'POST', url: '/claims', headers: { accept: 'text/html' } })
  assert.equal(post.statusCode, 404)
})

test('an expired access token is unauthenticated, not an error; the leeway is honoured', async (t) => {
  const { app, idp } = await startApp(t, { emulator: { accessTokenTtl: 60 } })
  idp.setClockOffset(-90)
  const expired = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  const res = await app.inject({ url: '/claims', headers: asJson, cookies: { 'cognito-access-token': expired } })
  assert.equal(res.statusCode, 401)
  assert.equal(res.headers['www-authenticate'], 'Bearer error="invalid_token"')
  const browser = await app.inject({ url: '/claims', headers: { accept: 'text/html' }, cookies: { 'cognito-access-token': expired } })
  assert.equal(browser.statusCode, 302)

  const lenient = await startApp(t, { emulator: { accessTokenTtl: 60 }, options: { expirationLeeway: 60 } })
  lenient.idp.setClockOffset(-90)
  const withinLeeway = lenient.idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  assert.equal((await lenient.app.inject({ url: '/claims', cookies: { 'cognito-access-token': withinLeeway } })).statusCode, 200)
})

test('the JWKS is fetched once for many tokens and requests', async (t) => {
  const { app, idp } = await startApp(t)
  for (const username of ['alice', 'bob', 'carol', 'alice']) {
    const token = idp.issueTokens({ username, clientId: 'testclient' }).access_token
    for (let i = 0; i < 3; i++) {
      assert.equal((await app.inject({ url: '/claims', cookies: { 'cognito-access-token': token } })).statusCode, 200)
    }
  }
  assert.equal(idp.stats.jwksRequests, 1)
})

test('request.cognito is null on unprotected routes; authRequired checks its options once', async (t) => {
  const { app } = await startApp(t, {
    routes: (a) => a.get('/open', async (request) => ({ cognito: request.cognito }))
  })
  assert.deepEqual((await app.inject({ url: '/open' })).json(), { cognito: null })
  assert.throws(() => app.authRequired({ groups: 'admin' as unknown as string[] }), { code: 'FST_COGNITO_INVALID_OPTION' })
  assert.throws(() => app.authRequired({ groups: [''] }), { code: 'FST_COGNITO_INVALID_OPTION' })
  assert.throws(() => app.authRequired({ anyGroup: 'yes' as unknown as boolean }), { code: 'FST_COGNITO_INVALID_OPTION' })
})

test('the example of a real browser: /claims after login answers from the verified-token cache', async (t) => {
  const { url, idp } = await startApp(t)
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  for (let i = 0; i < 5; i++) assert.equal(json(await browser.fetch(`${url}/claims`)).username, 'alice')
  assert.equal(idp.stats.jwksRequests, 1)
})

test('a client_credentials token has no username: request.cognito.username is its sub', async (t) => {
  const m2m = { clientId: 'm2m', clientSecret: 'm2m-secret-0123456789abcdefghijklmn', callbackUrls: [], logoutUrls: [], scopes: ['api/read'], allowedOAuthFlows: ['client_credentials' as const] }
  const { app, idp } = await startApp(t, { extraClients: [m2m], options: { allowedClientIds: ['m2m'] } })
  const token = idp.issueClientToken({ clientId: 'm2m', scopes: ['api/read'] }).access_token
  const res = await app.inject({ url: '/claims', headers: { authorization: `Bearer ${token}` } })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json().username, 'm2m')
  assert.deepEqual(res.json().groups, [])
})

test('authOptional fills request.cognito for a logged-in caller, lets guests through, and clears a bad token', async (t) => {
  const { app, idp } = await startApp(t, {
    routes: (a) => a.get('/home', { preHandler: a.authOptional() }, async (request) => ({ user: request.cognito?.username ?? null }))
  })
  const token = idp.issueTokens({ username: 'bob', clientId: 'testclient' }).access_token
  assert.deepEqual((await app.inject({ url: '/home', cookies: { 'cognito-access-token': token } })).json(), { user: 'bob' })
  assert.deepEqual((await app.inject({ url: '/home' })).json(), { user: null })
  const bad = await app.inject({ url: '/home', cookies: { 'cognito-access-token': 'garbage' } })
  assert.deepEqual(bad.json(), { user: null })
  assert.match(String(bad.headers['set-cookie']), /^cognito-access-token=;/)
})
