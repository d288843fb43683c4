import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorOptions } from '../../lib/testing/index.js'
import { authorizeUrl, Browser, signIn } from '../helpers/hosted-ui.js'

const CALLBACK = 'http://localhost:5000/postlogin'
const LOGOUT = 'http://localhost:5000/postlogout'
const SECRET = 'a-client-secret-of-a-realistic-length-0123456789'
const clients: EmulatorOptions['clients'] = [
  { clientId: 'app', clientSecret: SECRET, callbackUrls: [CALLBACK], logoutUrls: [LOGOUT] },
  { clientId: 'spa', callbackUrls: [CALLBACK], logoutUrls: [LOGOUT] }
]

async function emulator (t: { after: (fn: () => Promise<void>) => void }): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator({ clients })
  t.after(() => idp.close())
  return idp
}

const basic = `Basic ${Buffer.from(`app:${SECRET}`).toString('base64')}`

async function post (idp: CognitoEmulator, path: string, form: Record<string, string>, headers: Record<string, string> = { authorization: basic }): Promise<{ status: number, text: string }> {
  const res = await request(`${idp.domain}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString()
  })
  return { status: res.statusCode, text: await res.body.text() }
}

async function userInfo (idp: CognitoEmulator, authorization?: string): Promise<{ status: number, body: Record<string, string>, challenge: string | undefined }> {
  const res = await request(`${idp.domain}/oauth2/userInfo`, { headers: authorization === undefined ? {} : { authorization } })
  return { status: res.statusCode, body: await res.body.json() as Record<string, string>, challenge: res.headers['www-authenticate'] as string | undefined }
}

test('logout ends the hosted-UI session and redirects to a registered sign-out URL', async (t) => {
  const idp = await emulator(t)
  const browser = new Browser()
  await signIn(browser, authorizeUrl(idp))
  assert.equal((await browser.fetch(authorizeUrl(idp))).status, 302)
  assert.doesNotMatch(String((await browser.fetch(authorizeUrl(idp))).headers.location), /^\/login/)
  const out = await browser.fetch(`${idp.domain}/logout?client_id=app&logout_uri=${encodeURIComponent(LOGOUT)}`)
  assert.equal(out.status, 302)
  assert.equal(out.headers.location, LOGOUT)
  assert.ok(out.setCookies.some((c) => /^cognito=; .*Max-Age=0/.test(c)))
  assert.match(String((await browser.fetch(authorizeUrl(idp))).headers.location), /^\/login\?/)
})

test('a copied hosted-UI session cookie is dead after logout', async (t) => {
  const idp = await emulator(t)
  const victim = new Browser()
  await signIn(victim, authorizeUrl(idp))
  const stolen = victim.cookie('127.0.0.1', 'cognito')?.value as string
  await victim.fetch(`${idp.domain}/logout?client_id=app&logout_uri=${encodeURIComponent(LOGOUT)}`)
  const attacker = new Browser()
  attacker.setCookie('127.0.0.1', 'cognito', stolen)
  assert.match(String((await attacker.fetch(authorizeUrl(idp))).headers.location), /^\/login\?/)
})

test('logout refuses unknown clients and unregistered logout URIs with an error page', async (t) => {
  const idp = await emulator(t)
  const browser = new Browser()
  for (const query of ['client_id=nope&logout_uri=' + encodeURIComponent(LOGOUT), `logout_uri=${encodeURIComponent(LOGOUT)}`]) {
    const res = await browser.fetch(`${idp.domain}/logout?${query}`)
    assert.equal(res.status, 400)
    assert.match(res.body, /error=invalid_request/)
  }
  const evil = await browser.fetch(`${idp.domain}/logout?client_id=app&logout_uri=${encodeURIComponent('https://evil.example/')}`)
  assert.equal(evil.status, 400)
  assert.equal(evil.headers.location, undefined)
  assert.match(evil.body, /error=redirect_mismatch/)
  assert.equal((await browser.fetch(`${idp.domain}/logout?client_id=app`)).status, 400)
})

test('logout with redirect_uri and response_type signs out, then shows the sign-in form', async (t) => {
  const idp = await emulator(t)
  const browser = new Browser()
  await signIn(browser, authorizeUrl(idp))
  const query = new URL(authorizeUrl(idp, { client_id: 'app' })).search
  const res = await browser.fetch(`${idp.domain}/logout${query}`)
  assert.equal(res.status, 302)
  assert.match(String(res.headers.location), /^\/login\?/)
  assert.match(String((await browser.fetch(authorizeUrl(idp))).headers.location), /^\/login\?/)
  const bad = await browser.fetch(`${idp.domain}/logout?client_id=app&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example')}`)
  assert.match(bad.body, /error=redirect_mismatch/)
})

test('userInfo returns the attributes as strings for a token with openid', async (t) => {
  const idp = await emulator(t)
  const { access_token: token } = idp.issueTokens({ username: 'alice', clientId: 'app' })
  const res = await userInfo(idp, `Bearer ${token}`)
  assert.equal(res.status, 200)
  assert.deepEqual(res.body, { sub: idp.users[0]?.sub, email_verified: 'true', email: 'alice@example.com', username: 'alice' })
  const post = await request(`${idp.domain}/oauth2/userInfo`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
  assert.equal(post.statusCode, 200)
  await post.body.dump()
})

test('userInfo errors carry WWW-Authenticate: 400 for a missing or malformed header, 401 for a bad token, 403 without openid', async (t) => {
  const idp = await emulator(t)
  for (const auth of [undefined, 'Basic xyz', 'Bearer', 'Bearer a b']) {
    const res = await userInfo(idp, auth)
    assert.equal(res.status, 400, auth)
    assert.equal(res.body.error, 'invalid_request')
    assert.match(res.challenge ?? '', /^Bearer error="invalid_request"/)
  }
  for (const auth of ['Bearer not.a.jwt', 'Bearer abc']) {
    const res = await userInfo(idp, auth)
    assert.equal(res.status, 401, auth)
    assert.match(res.challenge ?? '', /^Bearer error="invalid_token"/)
  }
  const { access_token: token } = idp.issueTokens({ username: 'alice', clientId: 'app' })
  const [h, p] = token.split('.')
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p as string, 'base64url').toString()), username: 'bob' })).toString('base64url')}.${token.split('.')[2]}`
  assert.equal((await userInfo(idp, `Bearer ${forged}`)).body.error, 'invalid_token')
  const idToken = idp.issueTokens({ username: 'alice', clientId: 'app' }).id_token as string
  assert.equal((await userInfo(idp, `Bearer ${idToken}`)).body.error, 'invalid_token')
  const noOpenid = idp.issueTokens({ username: 'alice', clientId: 'app', scopes: ['aws.cognito.signin.user.admin'] }).access_token
  const scope = await userInfo(idp, `Bearer ${noOpenid}`)
  assert.equal(scope.status, 403)
  assert.match(scope.challenge ?? '', /insufficient_scope/)
  idp.setClockOffset(3601)
  const expired = await userInfo(idp, `Bearer ${token}`)
  assert.equal(expired.status, 401)
  assert.equal(expired.body.error_description, 'Access token is expired')
})

test('revoke ends the refresh token and the access tokens issued with it; unknown tokens get 200', async (t) => {
  const idp = await emulator(t)
  const tokens = idp.issueTokens({ username: 'alice', clientId: 'app' })
  const revoked = await post(idp, '/oauth2/revoke', { token: tokens.refresh_token as string })
  assert.deepEqual(revoked, { status: 200, text: '' })
  assert.equal((await post(idp, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })).status, 400)
  const info = await userInfo(idp, `Bearer ${tokens.access_token}`)
  assert.equal(info.status, 401)
  assert.equal(info.body.error_description, 'Access token has been revoked')
  assert.deepEqual(await post(idp, '/oauth2/revoke', { token: 'unknown' }), { status: 200, text: '' })
  assert.equal(idp.stats.revokeRequests, 2)
})

test('revoke authenticates the client like the token endpoint', async (t) => {
  const idp = await emulator(t)
  const spa = idp.issueTokens({ username: 'alice', clientId: 'spa' })
  assert.equal((await post(idp, '/oauth2/revoke', { token: spa.refresh_token as string, client_id: 'spa' }, {})).status, 200)
  const app = idp.issueTokens({ username: 'alice', clientId: 'app' })
  assert.equal(JSON.parse((await post(idp, '/oauth2/revoke', { token: app.refresh_token as string, client_id: 'spa' }, {})).text).error, 'unauthorized_client')
  assert.equal(JSON.parse((await post(idp, '/oauth2/revoke', { token: 'x' }, { authorization: 'Basic Zm9vOmJhcg==' })).text).error, 'invalid_client')
  assert.equal(JSON.parse((await post(idp, '/oauth2/revoke', {})).text).error, 'invalid_request')
  const json = await request(`${idp.domain}/oauth2/revoke`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: '{}' })
  assert.equal(json.statusCode, 400)
  await json.body.dump()
})
