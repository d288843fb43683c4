import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { EmulatorClient } from '../../lib/testing/index.js'
import { startApp } from '../helpers/app.js'

const partner = { clientId: 'partnerclient', clientSecret: 'partner-secret-0123456789abcdefghij', callbackUrls: [], logoutUrls: [], scopes: ['openid', 'orders/read', 'orders/write'] }
// Cognito keeps client_credentials apart from the code flow: a machine client of its own.
const machine: EmulatorClient = { ...partner, clientId: 'partnerm2m', scopes: ['orders/read', 'orders/write'], allowedOAuthFlows: ['client_credentials'] }

async function bearerApp (t: Parameters<typeof startApp>[0], options = {}): ReturnType<typeof startApp> {
  return await startApp(t, {
    extraClients: [partner, { ...partner, clientId: 'strangerclient' }, machine],
    options: { allowedClientIds: ['partnerclient'], ...options },
    routes: (app) => app.get('/orders', { preHandler: app.authRequired({ scopes: ['orders/read'] }) }, async (request) => ({ caller: request.cognito.username }))
  })
}

test('Authorization: Bearer with an access token of this client authenticates, and writes no cookie or session', async (t) => {
  const { app, idp } = await bearerApp(t)
  const token = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  const res = await app.inject({ url: '/admin', headers: { authorization: `Bearer ${token}` } })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { admin: 'alice' })
  assert.equal(res.headers['set-cookie'], undefined)
  const claims = await app.inject({ url: '/claims', headers: { authorization: `bearer ${token}` } })
  assert.deepEqual(claims.json().userInfo, {})
})

test('tokens of allowedClientIds are accepted; other clients, garbage and ID tokens get 401 invalid_token without cookies', async (t) => {
  const { app, idp } = await bearerApp(t)
  const partnerToken = idp.issueTokens({ username: 'bob', clientId: 'partnerclient' }).access_token
  assert.equal((await app.inject({ url: '/claims', headers: { authorization: `Bearer ${partnerToken}` } })).statusCode, 200)
  const refused = [
    idp.issueTokens({ username: 'bob', clientId: 'strangerclient' }).access_token,
    idp.issueTokens({ username: 'bob', clientId: 'testclient' }).id_token as string,
    'not-a-token'
  ]
  for (const token of refused) {
    const res = await app.inject({ url: '/claims', headers: { authorization: `Bearer ${token}`, accept: 'text/html' } })
    assert.equal(res.statusCode, 401, 'an API caller is never redirected')
    assert.equal(res.headers['www-authenticate'], 'Bearer error="invalid_token"')
    assert.equal(res.json().code, 'FST_COGNITO_UNAUTHENTICATED')
    assert.equal(res.headers['set-cookie'], undefined)
  }
})

test('a bearer token of another client is not accepted in the cookie', async (t) => {
  const { app, idp } = await bearerApp(t)
  const partnerToken = idp.issueTokens({ username: 'bob', clientId: 'partnerclient' }).access_token
  const res = await app.inject({ url: '/claims', headers: { accept: 'application/json' }, cookies: { 'cognito-access-token': partnerToken } })
  assert.equal(res.statusCode, 401)
})

test('client_credentials tokens work, and authRequired({ scopes }) checks scopes with insufficient_scope', async (t) => {
  const { app, idp } = await bearerApp(t, { allowedClientIds: ['partnerm2m'] })
  const reader = idp.issueClientToken({ clientId: 'partnerm2m', scopes: ['orders/read'] }).access_token
  const ok = await app.inject({ url: '/orders', headers: { authorization: `Bearer ${reader}` } })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { caller: 'partnerm2m' })
  const writer = idp.issueClientToken({ clientId: 'partnerm2m', scopes: ['orders/write'] }).access_token
  const denied = await app.inject({ url: '/orders', headers: { authorization: `Bearer ${writer}` } })
  assert.equal(denied.statusCode, 403)
  assert.equal(denied.json().code, 'FST_COGNITO_INSUFFICIENT_SCOPE')
  assert.equal(denied.headers['www-authenticate'], 'Bearer error="insufficient_scope", scope="orders/read"')
  const user = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  assert.equal((await app.inject({ url: '/orders', headers: { authorization: `Bearer ${user}` } })).statusCode, 403)
  assert.throws(() => app.authRequired({ scopes: [''] }), { code: 'FST_COGNITO_INVALID_OPTION' })
})

test('bearerTokens: false ignores the Authorization header', async (t) => {
  const { app, idp } = await bearerApp(t, { bearerTokens: false })
  const token = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  const res = await app.inject({ url: '/claims', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } })
  assert.equal(res.statusCode, 401)
  assert.equal(res.headers['www-authenticate'], 'Bearer')
})
