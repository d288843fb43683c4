import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, json, logIn, startApp } from '../helpers/app.js'

const HOST = '127.0.0.1'
const setCookie = (setCookies: string[], name: string): string | undefined => setCookies.find((c) => c.startsWith(`${name}=`))

test('with refreshFlow the refresh token is kept encrypted in an HttpOnly cookie with its own max age', async (t) => {
  const { url } = await startApp(t, { options: { refreshFlow: true, refreshCookieMaxAge: 7200 } })
  const hops = await logIn(new Browser(), url, 'alice')
  const callback = hops.find((h) => h.url.startsWith(`${url}/postlogin`))
  const cookie = setCookie(callback?.setCookies ?? [], 'cognito-refresh-token') as string
  assert.match(cookie, /HttpOnly/)
  assert.match(cookie, /Max-Age=7200/)
  const value = cookie.split(';')[0]?.split('=')[1] as string
  // A Cognito refresh token starts with its JWE header; the sealed cookie shows none of it.
  assert.doesNotMatch(value, /^eyJ/)
  assert.match(value, /^[\w-]+\.[\w-]+$/)
})

test('without refreshFlow no refresh token is kept, and an expired access token is simply unauthenticated', async (t) => {
  const { url, idp } = await startApp(t, { options: { cookieMaxAge: 7200 } })
  const browser = new Browser()
  const hops = await logIn(browser, url, 'alice')
  assert.ok(!hops.some((h) => h.setCookies.some((c) => /^cognito-refresh-token=[^;]/.test(c))))
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  assert.equal((await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })).status, 401)
  assert.equal(idp.stats.tokenRequests, 1)
})

test('an expired access token is refreshed: new cookies, the request goes through, user info from the new ID token', async (t) => {
  const { url, idp } = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  const before = browser.cookie(HOST, 'cognito-access-token')?.value
  // The pool's and the app's clocks move together, an hour on: the access token (1 h) has expired, its cookie (2 h) not.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  const res = await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })
  assert.equal(res.status, 200)
  assert.equal(json(res).username, 'alice')
  assert.equal((json(res).userInfo as Record<string, unknown>).email, 'alice@example.com')
  assert.ok(setCookie(res.setCookies, 'cognito-access-token') !== undefined)
  assert.ok(setCookie(res.setCookies, 'cognito-session') !== undefined)
  assert.equal(setCookie(res.setCookies, 'cognito-refresh-token'), undefined, 'no rotation, no new refresh cookie')
  for (const name of ['cognito-access-token', 'cognito-session']) {
    assert.equal(res.setCookies.filter((c) => c.startsWith(`${name}=`)).length, 1, `one Set-Cookie for ${name}`)
  }
  assert.notEqual(browser.cookie(HOST, 'cognito-access-token')?.value, before)
  assert.equal(idp.stats.tokenRequests, 2)
  // The new token serves the next request without another refresh.
  assert.equal((await browser.fetch(`${url}/claims`)).status, 200)
  assert.equal(idp.stats.tokenRequests, 2)
})

test('in an app that registered @fastify/cookie itself, a refresh sets each cookie once and the app keeps request.cookies', async (t) => {
  const { url, idp } = await startApp(t, {
    cookiePlugin: true,
    options: { refreshFlow: true, cookieMaxAge: 7200 },
    routes: (app) => app.get('/mine', { preHandler: app.authRequired() }, async (request) => ({ names: Object.keys(request.cookies).sort() }))
  })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  const res = await browser.fetch(`${url}/mine`, { headers: { accept: 'application/json' } })
  assert.equal(res.status, 200)
  assert.ok((json(res).names as string[]).includes('cognito-access-token'))
  assert.equal(res.setCookies.filter((c) => c.startsWith('cognito-access-token=')).length, 1)
  assert.equal(res.setCookies.filter((c) => c.startsWith('cognito-session=')).length, 1)
  assert.equal(idp.stats.tokenRequests, 2)
})

test('when the access-token cookie is gone (past its Max-Age) the refresh cookie renews the login', async (t) => {
  const { url, idp } = await startApp(t, { options: { refreshFlow: true } })
  const browser = new Browser()
  await logIn(browser, url, 'bob')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(1801_000)
  assert.equal(browser.cookie(HOST, 'cognito-access-token')?.expires as number < Date.now(), true)
  const res = await browser.fetch(`${url}/edit`, { headers: { accept: 'application/json' } })
  assert.equal(res.status, 200)
  assert.equal(idp.stats.tokenRequests, 2)
})

test('a rotated refresh token is stored, and the next refresh uses it', async (t) => {
  const { url, idp } = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 }, client: { refreshTokenRotation: true } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  const first = browser.cookie(HOST, 'cognito-refresh-token')?.value
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  const res = await browser.fetch(`${url}/claims`)
  assert.equal(res.status, 200)
  assert.match(setCookie(res.setCookies, 'cognito-refresh-token') ?? '', /Max-Age=86400/)
  assert.notEqual(browser.cookie(HOST, 'cognito-refresh-token')?.value, first)
  t.mock.timers.tick(3601_000)
  assert.equal((await browser.fetch(`${url}/claims`)).status, 200)
  assert.equal(idp.stats.tokenRequests, 3)
})

test('a revoked refresh token makes the request unauthenticated and clears the stale cookies', async (t) => {
  const { url, app } = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  const cookies = Object.fromEntries(['cognito-session', 'cognito-access-token', 'cognito-refresh-token'].map((n) => [n, browser.cookie(HOST, n)?.value as string]))
  // Logging out elsewhere revokes the refresh token at Cognito; this copy of the cookies then dies at its next refresh.
  assert.equal((await browser.fetch(`${url}/logout`)).status, 302)
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  const res = await app.inject({ url: '/claims', headers: { accept: 'application/json' }, cookies })
  assert.equal(res.statusCode, 401)
  const cleared = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
  for (const name of ['cognito-session', 'cognito-access-token', 'cognito-refresh-token']) {
    const headers = cleared.filter((c) => c.startsWith(`${name}=`))
    assert.equal(headers.length, 1, `one Set-Cookie for ${name}`)
    assert.match(headers[0] as string, /^[\w-]+=;.*Max-Age=0/)
  }
})

test('concurrent requests with the same expired token cause one refresh', async (t) => {
  const { url, app, idp } = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 }, client: { refreshTokenRotation: true } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  const cookies = Object.fromEntries(['cognito-session', 'cognito-access-token', 'cognito-refresh-token'].map((n) => [n, browser.cookie(HOST, n)?.value as string]))
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  const answers = await Promise.all(Array.from({ length: 10 }, async () => await app.inject({ url: '/claims', cookies })))
  assert.deepEqual(answers.map((a) => a.statusCode), Array(10).fill(200))
  // A straggler with the old cookies, after the others finished, is answered from the same refresh.
  assert.equal((await app.inject({ url: '/claims', cookies })).statusCode, 200)
  assert.equal(idp.stats.tokenRequests, 2)
})

test('Cognito down during a refresh is a coded 5xx, not a logout', async (t) => {
  const { url, idp } = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  idp.setTokenFault({ status: 500, times: 1 })
  const res = await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })
  assert.equal(res.status, 502)
  assert.equal(json(res).code, 'FST_COGNITO_IDP_ERROR')
  assert.equal((await browser.fetch(`${url}/claims`)).status, 200)
})
