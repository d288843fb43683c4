import assert from 'node:assert/strict'
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { test } from 'node:test'
import { CognitoVerifier } from '../../lib/verifier.js'
import { json, logIn } from '../helpers/app.js'
import { divert, startHostile, type Hostile } from '../helpers/hostile.js'
import { auditedApp as startApp, AuditedBrowser } from './audit.js'
import { assertRefused, callbackUrl } from './callback-helpers.js'

const api = { headers: { accept: 'application/json' } }
const notTokens = ['null', '[]', '42', '"token"', '{"access_token":7}', '{"access_token":"a.b.c","id_token":{"x":1}}', '{"access_token":"a.b.c","refresh_token":[]}', '{"access_token":null}']

test('a token endpoint answering 200 with null, an array, or tokens that are not strings: 502 FST_COGNITO_IDP_ERROR at login', async (t) => {
  const app = await startApp(t)
  for (const body of notTokens) {
    const browser = new AuditedBrowser()
    const callback = await callbackUrl(browser, app)
    app.idp.setTokenFault({ status: 200, body })
    const res = await browser.fetch(callback)
    assertRefused(res, 502, 'FST_COGNITO_IDP_ERROR')
    app.idp.setTokenFault(null)
  }
})

test('the same answers at refresh: a coded 502, never a TypeError, and the app lives on', async (t) => {
  const app = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  for (const body of notTokens) {
    app.idp.setTokenFault({ status: 200, body })
    const res = await browser.fetch(`${app.url}/claims`, api)
    assert.equal(res.status, 502, body)
    assert.equal(json(res).code, 'FST_COGNITO_IDP_ERROR')
  }
  app.idp.setTokenFault(null)
  assert.equal((await browser.fetch(`${app.url}/claims`, api)).status, 200)
})

test('a userInfo endpoint answering null, an array or a number: fetchUserInfo rejects with FST_COGNITO_IDP_ERROR', async (t) => {
  const hostile = await startHostile(t)
  const app = await startApp(t, {
    options: { dispatcher: divert(['/oauth2/userInfo'], hostile.url) },
    routes: (a) => a.get('/fresh', { preHandler: a.authRequired() }, async (request) => await request.cognito.fetchUserInfo())
  })
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  for (const body of ['null', '[]', '42', 'not json']) {
    hostile.answer('/oauth2/userInfo', 200, body)
    const res = await browser.fetch(`${app.url}/fresh`, api)
    assert.equal(res.status, 502, body)
    assert.equal(json(res).code, 'FST_COGNITO_IDP_ERROR')
  }
  hostile.answer('/oauth2/userInfo', 200, '{"sub":"someone-else"}')
  assert.equal((await browser.fetch(`${app.url}/fresh`, api)).status, 401, 'an answer for another sub is refused')
})

/** A pool of our own: its JWKS served by a hostile server, tokens signed with keys the test holds. */
function pool (hostile: Hostile): { publish: (...keys: Array<{ kid: string, key: KeyObject }>) => void, token: (kid: string, key: KeyObject) => string, verifier: CognitoVerifier } {
  const issuer = `${hostile.url}/pool`
  const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return {
    publish: (...keys) => {
      const jwks = keys.map(({ kid, key }) => ({ ...key.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }))
      hostile.answer('/pool/.well-known/jwks.json', 200, JSON.stringify({ keys: jwks }))
    },
    token: (kid, key) => {
      const now = Math.floor(Date.now() / 1000)
      const input = `${b64({ alg: 'RS256', kid })}.${b64({ sub: 'u', iss: issuer, token_use: 'access', client_id: 'c', iat: now, exp: now + 3600, jti: `${kid}-${now}` })}`
      return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
    },
    verifier: new CognitoVerifier({ issuer, clientId: 'c', jwksUri: new URL(`${issuer}/.well-known/jwks.json`), leeway: 0, timeout: 1000 })
  }
}

const rsa = (): { publicKey: KeyObject, privateKey: KeyObject } => generateKeyPairSync('rsa', { modulusLength: 2048 })

test('a key withdrawn from the JWKS stops verifying once the JWKS is older than 10 minutes; a JWKS outage keeps known keys', async (t) => {
  const hostile = await startHostile(t)
  const { publish, token, verifier } = pool(hostile)
  const [a, b] = [rsa(), rsa()]
  publish({ kid: 'a', key: a.publicKey })
  assert.equal((await verifier.verifyAccessToken(token('a', a.privateKey))).sub, 'u')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  // Ten minutes on, the JWKS is down: the known key keeps working, and nothing waits on each request.
  t.mock.timers.tick(601_000)
  hostile.answer('/pool/.well-known/jwks.json', 503, '{}')
  assert.equal((await verifier.verifyAccessToken(token('a', a.privateKey))).sub, 'u')
  const fetches = hostile.hits.get('/pool/.well-known/jwks.json')
  assert.equal((await verifier.verifyAccessToken(token('a', a.privateKey))).sub, 'u')
  assert.equal(hostile.hits.get('/pool/.well-known/jwks.json'), fetches, 'no refetch on every request while it is down')
  // The pool withdrew key a: once refetched, tokens under it are refused.
  publish({ kid: 'b', key: b.publicKey })
  t.mock.timers.tick(601_000)
  await assert.rejects(verifier.verifyAccessToken(token('a', a.privateKey)), /ERR_JWKS_NO_MATCHING_KEY/)
  await assert.rejects(verifier.verifyAccessToken(token('a', a.privateKey)))
  assert.equal((await verifier.verifyAccessToken(token('b', b.privateKey))).sub, 'u')
})

test('a JWKS that is null, an array, or keys of the wrong shape: FST_COGNITO_JWKS_UNAVAILABLE, never a crash', async (t) => {
  const hostile = await startHostile(t)
  const { token } = pool(hostile)
  const key = rsa()
  for (const body of ['null', '[]', '{"keys":"x"}', '{"keys":[1]}', 'not json']) {
    const { verifier } = pool(hostile)
    hostile.answer('/pool/.well-known/jwks.json', 200, body)
    await assert.rejects(verifier.verifyAccessToken(token('a', key.privateKey)), { code: 'FST_COGNITO_JWKS_UNAVAILABLE' }, body)
  }
})
