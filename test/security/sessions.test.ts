import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildApp, json, last, logIn, SECRET, type Browser } from '../helpers/app.js'
import type { Hop } from '../helpers/browser.js'
import { auditedApp as startApp, AuditedBrowser } from './audit.js'

const cookieNamed = (hop: Hop | undefined, name: string): string | undefined => hop?.setCookies.find((c) => c.startsWith(`${name}=`))
const newBrowser = (): Browser => new AuditedBrowser()

test('login and session cookies: HttpOnly, Secure, SameSite, Path, Max-Age, Domain as configured', async (t) => {
  const { url } = await startApp(t, { options: { cookieSecure: true, cookieMaxAge: 900, cookieSameSite: 'strict', cookieDomain: '127.0.0.1' } })
  const browser = newBrowser()
  const hops = await logIn(browser, url, 'alice')
  const login = hops[0]
  const callback = hops.find((h) => h.url.startsWith(`${url}/postlogin`))
  for (const cookie of [cookieNamed(login, 'cognito-session'), cookieNamed(callback, 'cognito-session'), cookieNamed(callback, 'cognito-access-token')]) {
    assert.ok(cookie !== undefined)
    const attrs = cookie.split('; ').slice(1)
    assert.ok(attrs.includes('HttpOnly'), cookie)
    assert.ok(attrs.includes('Secure'), cookie)
    assert.ok(attrs.includes('SameSite=Strict'), cookie)
    assert.ok(attrs.includes('Path=/'), cookie)
    assert.ok(attrs.includes('Max-Age=900'), cookie)
    assert.ok(attrs.includes('Domain=127.0.0.1'), cookie)
  }
  assert.equal(cookieNamed(callback, 'cognito-access-token')?.split(';')[0]?.split('.').length, 3)
})

test('defaults: SameSite=Lax, Max-Age=1800, host-only, and no Secure only on a plain-http localhost redirect URL', async (t) => {
  const { url } = await startApp(t)
  const hops = await logIn(newBrowser(), url, 'alice')
  const access = cookieNamed(hops.find((h) => h.url.startsWith(`${url}/postlogin`)), 'cognito-access-token') as string
  const attrs = access.split('; ').slice(1)
  assert.ok(attrs.includes('SameSite=Lax'))
  assert.ok(attrs.includes('Max-Age=1800'))
  assert.ok(attrs.includes('HttpOnly'))
  assert.ok(!attrs.includes('Secure'))
  assert.ok(!attrs.some((a) => a.startsWith('Domain')))
})

test('the session is encrypted: no claim, username or email readable in the cookie', async (t) => {
  const { url } = await startApp(t)
  const browser = newBrowser()
  await logIn(browser, url, 'alice')
  const session = browser.cookie('127.0.0.1', 'cognito-session')?.value as string
  const decoded = Buffer.from(session.split('.')[0] as string, 'base64url').toString('latin1')
  for (const plain of ['alice', 'example.com', 'admin', 'sub']) assert.ok(!decoded.includes(plain), plain)
})

test('a session cookie with one byte changed is not honoured: no user info, no login state', async (t) => {
  const { url } = await startApp(t)
  const browser = newBrowser()
  await logIn(browser, url, 'alice')
  const session = browser.cookie('127.0.0.1', 'cognito-session')?.value as string
  // cipher.nonce, both base64url: flip one bit of the ciphertext.
  const [cipher = '', nonce = ''] = session.split('.')
  assert.match(nonce, /^[\w-]{32}$/)
  const bytes = Buffer.from(cipher, 'base64url')
  bytes[bytes.length - 1] ^= 1
  browser.setCookie('127.0.0.1', 'cognito-session', `${bytes.toString('base64url')}.${nonce}`)
  const res = await browser.fetch(`${url}/claims`)
  // The access token alone still authenticates, but the tampered session shows nothing.
  assert.equal(res.status, 200)
  assert.deepEqual(json(res).userInfo, {})
  browser.setCookie('127.0.0.1', 'cognito-session', session)
  assert.equal((json(await browser.fetch(`${url}/claims`)).userInfo as Record<string, unknown>).email, 'alice@example.com')
})

test('an access-token cookie with one byte changed is unauthenticated and cleared', async (t) => {
  const { url } = await startApp(t)
  const browser = newBrowser()
  await logIn(browser, url, 'alice')
  const token = browser.cookie('127.0.0.1', 'cognito-access-token')?.value as string
  const [h, p, s] = token.split('.') as [string, string, string]
  const payload = Buffer.from(p, 'base64url')
  payload[10] ^= 1
  for (const forged of [`${h}.${payload.toString('base64url')}.${s}`, `${h}.${p}.${s.slice(0, -2)}AA`, token.slice(0, -1), 'garbage']) {
    browser.setCookie('127.0.0.1', 'cognito-access-token', forged)
    const res = await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })
    assert.equal(res.status, 401)
    assert.equal(json(res).code, 'FST_COGNITO_UNAUTHENTICATED')
    assert.equal(res.headers['www-authenticate'], 'Bearer error="invalid_token"')
    assert.ok(res.setCookies.some((c) => /^cognito-access-token=;/.test(c)))
  }
})

test('a session sealed under another secret is ignored; with secret rotation the older secret still opens it', async (t) => {
  const first = await startApp(t)
  const browser = newBrowser()
  await logIn(browser, first.url, 'alice')
  const cookies = {
    'cognito-session': browser.cookie('127.0.0.1', 'cognito-session')?.value as string,
    'cognito-access-token': browser.cookie('127.0.0.1', 'cognito-access-token')?.value as string
  }
  const cases: Array<[string | string[], string | undefined]> = [
    ['another-secret-of-at-least-32-characters!!-XYZ-qvw', undefined],
    [['a-new-secret-of-at-least-32-characters-long', SECRET], 'alice@example.com']
  ]
  for (const [secret, email] of cases) {
    const { app } = await buildApp({ ...first.options, secret })
    t.after(() => app.close())
    const res = await app.inject({ url: '/claims', cookies })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json().userInfo.email, email)
  }
})
test('a session of one login next to the access token of another never shows the first user', async (t) => {
  const { url, app } = await startApp(t)
  const victim = newBrowser()
  await logIn(victim, url, 'alice')
  const attacker = newBrowser()
  await logIn(attacker, url, 'bob')
  const res = await app.inject({
    url: '/claims',
    cookies: {
      'cognito-session': victim.cookie('127.0.0.1', 'cognito-session')?.value as string,
      'cognito-access-token': attacker.cookie('127.0.0.1', 'cognito-access-token')?.value as string
    }
  })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json().username, 'bob')
  assert.deepEqual(res.json().userInfo, {})
  // And a copied session cookie with no token of its own is nobody.
  const alone = await app.inject({ url: '/claims', headers: { accept: 'application/json' }, cookies: { 'cognito-session': victim.cookie('127.0.0.1', 'cognito-session')?.value as string } })
  assert.equal(alone.statusCode, 401)
})

test('returnTo brings the browser back to the page it asked for; foreign targets fall back to afterLogin', async (t) => {
  const { url } = await startApp(t, { options: { afterLogin: '/claims' } })
  assert.equal(last(await logIn(newBrowser(), url, 'alice', '/login?returnTo=%2Fedit%3Fx%3D1')).url, `${url}/edit?x=1`)
  for (const target of ['//evil.example', '/%5Cevil.example', 'https%3A%2F%2Fevil.example', 'javascript%3Aalert(1)', '%2F%2Fevil.example', '/%09/evil.example']) {
    const final = last(await logIn(newBrowser(), url, 'alice', `/login?returnTo=${target}`))
    assert.equal(final.url, `${url}/claims`, target)
  }
})

test('a truncated session cookie is ignored, never an error', async (t) => {
  const { url } = await startApp(t)
  const browser = newBrowser()
  await logIn(browser, url, 'alice')
  const session = browser.cookie('127.0.0.1', 'cognito-session')?.value as string
  for (const cut of [session.slice(0, 10), session.slice(0, -5), session.split('.')[0] as string, '.', '']) {
    browser.setCookie('127.0.0.1', 'cognito-session', cut)
    const res = await browser.fetch(`${url}/claims`)
    assert.equal(res.status, 200)
    assert.deepEqual(json(res).userInfo, {})
  }
})

test('cookies copied before logout are useless after it: the login is ended in this process', async (t) => {
  const { url, app } = await startApp(t)
  const victim = newBrowser()
  await logIn(victim, url, 'alice')
  const copied = Object.fromEntries(['cognito-session', 'cognito-access-token'].map((n) => [n, victim.cookie('127.0.0.1', n)?.value as string]))
  assert.equal((await app.inject({ url: '/claims', cookies: copied })).statusCode, 200)
  await victim.fetch(`${url}/logout`)
  const replay = await app.inject({ url: '/claims', headers: { accept: 'application/json' }, cookies: copied })
  assert.equal(replay.statusCode, 401)
  assert.equal(replay.json().code, 'FST_COGNITO_UNAUTHENTICATED')
  // The same token as a bearer is dead too.
  const bearer = await app.inject({ url: '/claims', headers: { authorization: `Bearer ${copied['cognito-access-token']}` } })
  assert.equal(bearer.statusCode, 401)
  // A new login of the same user is a new login, and works.
  await logIn(victim, url, 'alice')
  assert.equal((await victim.fetch(`${url}/claims`)).status, 200)
})

test('the session is replaced at login: a session cookie planted before login (fixation) gains nothing', async (t) => {
  const { url, app } = await startApp(t)
  // The attacker starts a login to get a session cookie, and plants it in the victim's browser.
  const attacker = newBrowser()
  await attacker.fetch(`${url}/login`)
  const planted = attacker.cookie('127.0.0.1', 'cognito-session')?.value as string
  const victim = newBrowser()
  victim.setCookie('127.0.0.1', 'cognito-session', planted)
  await logIn(victim, url, 'alice')
  const after = victim.cookie('127.0.0.1', 'cognito-session')?.value as string
  assert.notEqual(after, planted)
  // The planted value is still the attacker's own, with no login in it: alone, or with no token, it is nobody.
  const res = await app.inject({ url: '/claims', headers: { accept: 'application/json' }, cookies: { 'cognito-session': planted } })
  assert.equal(res.statusCode, 401)
  // The victim is logged in as themself, on a session of their own.
  assert.equal(json(await victim.fetch(`${url}/claims`)).username, 'alice')
})
