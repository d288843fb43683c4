import assert from 'node:assert/strict'
import { EndedLogins } from '../../lib/ended-logins.js'
import { json, logIn, type Browser } from '../helpers/app.js'
import { divert } from '../helpers/hostile.js'
import { AuditedBrowser, issue, recordingDispatcher } from './audit.js'
import { flowTest } from './flow-modes.js'

const HOST = '127.0.0.1'
const NAMES = ['cognito-session', 'cognito-access-token', 'cognito-refresh-token']
const api = { headers: { accept: 'application/json' } }

/** A browser holding copies of `from`'s cookies (only those named), as a thief who copied them would. */
function copyOf (from: Browser, names = NAMES): Browser {
  const thief = new AuditedBrowser()
  for (const name of names) {
    const value = from.cookie(HOST, name)?.value
    if (value !== undefined) thief.setCookie(HOST, name, value)
  }
  return thief
}

for (const revoke of ['succeeds', 'fails'] as const) {
  flowTest(`after /logout a copied refresh cookie is refused without asking Cognito (revoke ${revoke})`, async (t, startApp) => {
    // A dead origin for /oauth2/revoke only: the revoke at logout fails as if Cognito were down.
    const dispatcher = revoke === 'fails' ? divert(['/oauth2/revoke'], 'http://127.0.0.1:1') : recordingDispatcher()
    const app = await startApp(t, { options: { refreshFlow: true, dispatcher } })
    const victim = new AuditedBrowser()
    await logIn(victim, app.url, 'alice')
    const thief = copyOf(victim, ['cognito-refresh-token'])
    const logout = await victim.fetch(`${app.url}/logout`)
    assert.equal(logout.status, 302)
    if (revoke === 'fails') assert.ok(app.logs.some((l) => l.includes('refresh token revoke failed')))
    const tokenRequests = app.idp.stats.tokenRequests
    const res = await thief.fetch(`${app.url}/claims`, api)
    assert.equal(res.status, 401)
    assert.equal(app.idp.stats.tokenRequests, tokenRequests, 'the ended login was not even sent to Cognito')
    assert.ok(res.setCookies.some((c) => /^cognito-refresh-token=;/.test(c)), 'the copy is cleared')
  })
}

flowTest('a refresh result shared within its reuse window is never handed to a login ended since', async (t, startApp) => {
  const app = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 } })
  const victim = new AuditedBrowser()
  await logIn(victim, app.url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  // The thief copies every cookie, uses them once (a refresh), and keeps the old copies too.
  const oldCookies = copyOf(victim)
  const thief = copyOf(victim)
  assert.equal((await thief.fetch(`${app.url}/claims`, api)).status, 200)
  assert.equal(app.idp.stats.tokenRequests, 2)
  // The victim, still holding the same old cookies, logs out.
  assert.equal((await victim.fetch(`${app.url}/logout`)).status, 302)
  assert.equal((await oldCookies.fetch(`${app.url}/claims`, api)).status, 401, 'the shared refresh result is not reused')
  assert.equal((await thief.fetch(`${app.url}/claims`, api)).status, 401, 'the token the thief refreshed belongs to the ended login')
})

flowTest('a login ended while its access token has expired still refuses every copy of its cookies, revoke failing', async (t, startApp) => {
  const app = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200, dispatcher: divert(['/oauth2/revoke'], 'http://127.0.0.1:1') } })
  const victim = new AuditedBrowser()
  await logIn(victim, app.url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  const thief = copyOf(victim)
  // The expired access token cannot be verified at logout: the session's login record names the login instead.
  assert.equal((await victim.fetch(`${app.url}/logout`)).status, 302)
  assert.equal((await thief.fetch(`${app.url}/claims`, api)).status, 401)
})

flowTest('a cross-site GET or POST /logout leaves the session alone and sends the browser to afterLogout', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  const attempts: Array<[string, Record<string, string>]> = [
    ['GET', { 'sec-fetch-site': 'cross-site' }],
    ['POST', { 'sec-fetch-site': 'cross-site' }],
    ['POST', { origin: 'https://evil.example' }],
    ['POST', { origin: 'null' }]
  ]
  for (const [method, headers] of attempts) {
    const res = await browser.fetch(`${app.url}/logout`, { method, headers })
    assert.equal(res.status, method === 'POST' ? 303 : 302, JSON.stringify(headers))
    assert.equal(res.headers.location, '/')
    assert.deepEqual(res.setCookies, [], 'no cookie touched')
    assert.equal((await browser.fetch(`${app.url}/claims`, api)).status, 200, 'still logged in')
  }
  assert.ok(app.logs.some((l) => l.includes('cross-site logout refused')))
})

flowTest('a same-origin POST /logout (a form) ends the session and goes to the Hosted UI logout', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  const token = browser.cookie(HOST, 'cognito-access-token')?.value as string
  const res = await browser.fetch(`${app.url}/logout`, { form: { submit: 'Log out' }, headers: { origin: app.url, 'sec-fetch-site': 'same-origin' } })
  assert.equal(res.status, 303)
  assert.equal(new URL(res.headers.location as string).origin, app.idp.domain)
  assert.ok(res.setCookies.some((c) => /^cognito-access-token=;/.test(c)))
  const replay = await app.app.inject({ url: '/claims', headers: { authorization: `Bearer ${token}` } })
  assert.equal(replay.statusCode, 401, 'the ended login is refused as a bearer token too')
})

flowTest('a cross-site link to the callback or the postlogout route logs nobody out', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  const cross = { headers: { 'sec-fetch-site': 'cross-site' } }
  const forged = await browser.fetch(`${app.url}/postlogin?state=forged&code=forged`, cross)
  assert.equal(forged.status, 400)
  assert.equal(json(forged).code, 'FST_COGNITO_INVALID_STATE')
  assert.equal((await browser.fetch(`${app.url}/claims`, api)).status, 200)
  const postlogout = await browser.fetch(`${app.url}/postlogout`, cross)
  assert.equal(postlogout.status, 302)
  assert.deepEqual(postlogout.setCookies, [])
  assert.equal((await browser.fetch(`${app.url}/claims`, api)).status, 200)
  assert.equal(app.idp.stats.tokenRequests, 1)
})

flowTest('only a token this plugin accepts can end a login: another client\'s token, or garbage, records nothing', async (t, startApp) => {
  const app = await startApp(t, { extraClients: [{ clientId: 'otherclient', callbackUrls: ['https://other.example/cb'], logoutUrls: [] }] })
  const end = t.mock.method(EndedLogins.prototype, 'end')
  const foreign = issue(app.idp, { username: 'alice', clientId: 'otherclient' }).access_token
  for (const token of [foreign, 'garbage', app.idp.sign({ sub: 'x', token_use: 'access', client_id: 'testclient' })]) {
    const browser = new AuditedBrowser()
    browser.setCookie(HOST, 'cognito-access-token', token)
    assert.equal((await browser.fetch(`${app.url}/logout`)).status, 302)
  }
  assert.equal(end.mock.callCount(), 0)
  const own = new AuditedBrowser()
  await logIn(own, app.url, 'alice')
  await own.fetch(`${app.url}/logout`)
  assert.deepEqual(new Set(end.mock.calls.map((c) => c.arguments[0])).size, 1, 'one entry: the login, by its origin_jti')
  const [key, , until, now] = end.mock.calls[0]?.arguments ?? []
  assert.match(String(key), /^login:/)
  assert.ok(Number(until) > Number(now) && Number(until) <= Number(now) + 3600 * 2, 'kept about one token lifetime, not forever')
})

flowTest('a client with token revocation off (tokens without jti): logout still ends copies, keyed by user and sign-in time', async (t, startApp) => {
  const app = await startApp(t, { client: { enableTokenRevocation: false } })
  const victim = new AuditedBrowser()
  await logIn(victim, app.url, 'alice')
  const token = victim.cookie(HOST, 'cognito-access-token')?.value as string
  assert.equal(JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).origin_jti, undefined)
  const thief = copyOf(victim)
  assert.equal((await thief.fetch(`${app.url}/claims`, api)).status, 200)
  assert.equal((await victim.fetch(`${app.url}/logout`)).status, 302)
  assert.equal((await thief.fetch(`${app.url}/claims`, api)).status, 401)
  // The Hosted UI session outlived the logout (its /logout was never reached): the silent sign-in keeps auth_time,
  // so the new login has the same id, and it works (a second later: tokens are dated in seconds), while the copies stay refused.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(1000)
  const again = await logIn(victim, app.url, 'alice')
  assert.equal(again.length, 4, 'no form: the hosted-UI session signed in silently')
  assert.equal((await victim.fetch(`${app.url}/claims`, api)).status, 200)
  assert.equal((await thief.fetch(`${app.url}/claims`, api)).status, 401)
})

flowTest('with rotation and a failed revoke, a refresh cookie the thief rotated before logout stays refused after the access token\'s lifetime', async (t, startApp) => {
  const app = await startApp(t, {
    client: { refreshTokenRotation: true },
    options: { refreshFlow: true, cookieMaxAge: 7200, refreshCookieMaxAge: 86400, dispatcher: divert(['/oauth2/revoke'], 'http://127.0.0.1:1') }
  })
  const victim = new AuditedBrowser()
  await logIn(victim, app.url, 'alice')
  // The thief sends the copied refresh cookie alone: a refresh, and a rotated refresh cookie only the thief holds.
  const thief = copyOf(victim, ['cognito-refresh-token'])
  assert.equal((await thief.fetch(`${app.url}/claims`, api)).status, 200)
  assert.notEqual(thief.cookie(HOST, 'cognito-refresh-token')?.value, victim.cookie(HOST, 'cognito-refresh-token')?.value)
  assert.equal((await victim.fetch(`${app.url}/logout`)).status, 302)
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3700_000)
  const requests = app.idp.stats.tokenRequests
  const late = copyOf(thief, ['cognito-refresh-token'])
  assert.equal((await late.fetch(`${app.url}/claims`, api)).status, 401)
  assert.equal(app.idp.stats.tokenRequests, requests, 'not sent to Cognito')
})

flowTest('rotated refresh cookies of one login take one entry however many logouts present them', async (t, startApp) => {
  const app = await startApp(t, { client: { refreshTokenRotation: true }, options: { refreshFlow: true, dispatcher: divert(['/oauth2/revoke'], 'http://127.0.0.1:1') } })
  const victim = new AuditedBrowser()
  await logIn(victim, app.url, 'alice')
  const end = t.mock.method(EndedLogins.prototype, 'end')
  // Each refresh (the refresh cookie sent alone) rotates: a new sealed cookie every time.
  const holders = [copyOf(victim, ['cognito-refresh-token'])]
  for (let i = 0; i < 5; i++) {
    const next = copyOf(holders.at(-1) as Browser, ['cognito-refresh-token'])
    assert.equal((await next.fetch(`${app.url}/claims`, api)).status, 200)
    holders.push(copyOf(next, ['cognito-refresh-token']))
  }
  assert.equal(new Set(holders.map((h) => h.cookie(HOST, 'cognito-refresh-token')?.value)).size, 6)
  for (const holder of holders) await holder.fetch(`${app.url}/logout`)
  assert.equal(new Set(end.mock.calls.map((c) => c.arguments[0])).size, 1)
})
