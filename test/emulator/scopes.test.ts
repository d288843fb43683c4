import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CognitoEmulator } from '../../lib/testing/index.js'
import { authorizeUrl, Browser, codeOf, signIn } from '../helpers/hosted-ui.js'
import { basic, claimsOf, emulator, postForm } from './oauth.js'

const CALLBACK = 'http://localhost:5000/postlogin'
const SECRET = 'shop-client-secret-0123456789abcdefghij'
const clients = [{ clientId: 'shop', clientSecret: SECRET, callbackUrls: [CALLBACK], logoutUrls: [], scopes: ['openid', 'email', 'phone', 'orders/read'] }]

/** Exchanges the code of a redirect back to the client; returns the access token's claims. */
async function accessClaims (idp: CognitoEmulator, back: { headers: Record<string, unknown> }): Promise<Record<string, unknown>> {
  const res = await postForm(idp, '/oauth2/token', { grant_type: 'authorization_code', code: codeOf(back as never), redirect_uri: CALLBACK }, { authorization: basic('shop', SECRET) })
  assert.equal(res.status, 200)
  return claimsOf(res.body.access_token as string)
}

const locationOf = (hop: { headers: Record<string, unknown> }): URL => new URL(String(hop.headers.location), 'http://emulator.invalid')

test('without a scope parameter the client gets all its scopes, custom resource-server scopes included', async (t) => {
  const idp = await emulator(t, { clients })
  const all = await accessClaims(idp, await signIn(new Browser(), authorizeUrl(idp, { scope: undefined })))
  assert.equal(all.scope, 'openid email phone orders/read')
  assert.equal(claimsOf(idp.issueTokens({ username: 'alice' }).access_token).scope, 'openid email phone orders/read')
  const some = await accessClaims(idp, await signIn(new Browser(), authorizeUrl(idp, { scope: 'openid orders/read' })))
  assert.equal(some.scope, 'openid orders/read')
})

test('email, phone and profile without openid are invalid_scope, at authorize and in issueTokens', async (t) => {
  const idp = await emulator(t, { clients })
  for (const scope of ['email', 'phone', 'email orders/read']) {
    const res = await new Browser().fetch(authorizeUrl(idp, { scope }))
    assert.equal(res.status, 302, scope)
    assert.equal(locationOf(res).searchParams.get('error'), 'invalid_scope', scope)
    assert.match(locationOf(res).searchParams.get('error_description') ?? '', /needs openid/)
  }
  assert.match(String((await new Browser().fetch(authorizeUrl(idp, { scope: 'orders/read' }))).headers.location), /^\/login\?/)
  assert.throws(() => idp.issueTokens({ username: 'alice', scopes: ['email'] }), /scope email needs openid/)
  assert.throws(() => idp.issueTokens({ username: 'alice', scopes: ['orders/write'] }), /not allowed/)
})

test('a silent sign-in through the hosted-UI session keeps the original auth_time', async (t) => {
  const idp = await emulator(t, { clients })
  const browser = new Browser()
  const first = await accessClaims(idp, await signIn(browser, authorizeUrl(idp)))
  idp.setClockOffset(120)
  const silent = await browser.fetch(authorizeUrl(idp))
  assert.ok(codeOf(silent).length > 0)
  const again = await accessClaims(idp, silent)
  assert.equal(again.auth_time, first.auth_time)
  assert.ok((again.iat as number) >= (first.iat as number) + 120)
  // A sign-in at the form starts a new auth_time.
  const typed = await accessClaims(idp, await signIn(browser, authorizeUrl(idp, { prompt: 'login' })))
  assert.ok((typed.auth_time as number) >= (first.auth_time as number) + 120)
})

test('max_age=0 and prompt=login force the form; a max_age the session is within does not', async (t) => {
  const idp = await emulator(t, { clients })
  const browser = new Browser()
  await signIn(browser, authorizeUrl(idp))
  idp.setClockOffset(100)
  const toForm = async (params: Record<string, string>): Promise<boolean> => /^\/login\?/.test(String((await browser.fetch(authorizeUrl(idp, params))).headers.location))
  assert.equal(await toForm({ max_age: '0' }), true)
  assert.equal(await toForm({ prompt: 'login' }), true)
  assert.equal(await toForm({ max_age: '50' }), true)
  assert.equal(await toForm({ max_age: '3600' }), false)
  assert.equal(await toForm({ max_age: 'soon' }), false)
  assert.equal(await toForm({}), false)
})
