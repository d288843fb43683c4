import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import cognitoAuth, { optionsFromEnv } from '../../lib/index.js'
import { Identity } from '../../lib/identity.js'
import { Browser, json, last, logIn, startApp } from '../helpers/app.js'
import { formValue } from '../helpers/browser.js'

test('login parameters: from options, and passed through from /login by allow-list only', async (t) => {
  const { url, app } = await startApp(t, { options: { authorizeParams: { lang: 'fr', identity_provider: 'COGNITO' } } })
  const fromOptions = new URL(String((await app.inject('/login')).headers.location)).searchParams
  assert.equal(fromOptions.get('lang'), 'fr')
  assert.equal(fromOptions.get('identity_provider'), 'COGNITO')
  const res = await app.inject('/login?lang=de&identity_provider=Google&login_hint=bob%40example.com&prompt=login&idp_identifier=example.com&redirect_uri=https://evil.example&client_id=x&scope=admin')
  const passed = new URL(String(res.headers.location)).searchParams
  // What the app configured wins; the query only fills what it left unset.
  assert.equal(passed.get('lang'), 'fr')
  assert.equal(passed.get('identity_provider'), 'COGNITO')
  assert.equal(passed.get('login_hint'), 'bob@example.com')
  assert.equal(passed.get('prompt'), 'login')
  assert.equal(passed.get('idp_identifier'), 'example.com')
  assert.equal(passed.get('redirect_uri'), `${url}/postlogin`)
  assert.equal(passed.get('client_id'), 'testclient')
  assert.equal(passed.get('scope'), null)
  // Through the emulator: the hint fills the form, the configured language marks the page.
  const form = last(await new Browser().follow(`${url}/login?login_hint=bob&lang=de`))
  assert.equal(formValue(form.body, 'username'), 'bob')
  assert.match(form.body, /<html lang="fr">/)
})

test('logout revokes the refresh token before redirecting (confidential and public clients)', async (t) => {
  for (const publicClient of [false, true]) {
    const { url, idp, app } = await startApp(t, { publicClient, options: { refreshFlow: true } })
    const browser = new Browser()
    await logIn(browser, url, 'alice')
    const cookies = Object.fromEntries(['cognito-access-token', 'cognito-refresh-token'].map((n) => [n, browser.cookie('127.0.0.1', n)?.value as string]))
    const out = await browser.fetch(`${url}/logout`)
    assert.equal(out.status, 302)
    assert.equal(idp.stats.revokeRequests, 1)
    // The revoked refresh token no longer refreshes: Cognito refuses it.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    t.mock.timers.tick(3601_000)
    assert.equal((await app.inject({ url: '/claims', headers: { accept: 'application/json' }, cookies })).statusCode, 401)
    t.mock.timers.reset()
  }
})

test('a failed revoke is logged and does not block logout', async (t) => {
  const { url, idp, logs } = await startApp(t, { options: { refreshFlow: true } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  await idp.close()
  const out = await browser.fetch(`${url}/logout`)
  assert.equal(out.status, 302)
  assert.match(String(out.headers.location), /\/logout\?client_id=testclient/)
  assert.ok(logs.some((l) => l.includes('refresh token revoke failed') && l.includes('FST_COGNITO_IDP_UNREACHABLE')))
})

test('test mode: authRequired lets everyone through as the configured identity, with a warning at start', async (t) => {
  const { app, logs } = await startApp(t, { options: { disabled: true, disabledIdentity: { username: 'tester', groups: ['admin'], userInfo: { email: 't@example.com' } } } })
  assert.ok(logs.some((l) => l.includes('"level":40') && l.includes('disabled (test mode)')))
  const res = await app.inject('/claims')
  assert.equal(res.statusCode, 200)
  assert.equal(res.json().username, 'tester')
  assert.deepEqual(res.json().groups, ['admin'])
  assert.equal(res.json().userInfo.email, 't@example.com')
  assert.equal((await app.inject('/both')).statusCode, 200)
})

test('test mode is refused when NODE_ENV is production, and read from AWS_COGNITO_DISABLED as a boolean', async (t) => {
  const { options } = await startApp(t)
  const saved = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await assert.rejects(async () => await Fastify().register(cognitoAuth, { ...options, disabled: true }).ready(), /Invalid option disabled/)
  } finally {
    process.env.NODE_ENV = saved
  }
  assert.equal(optionsFromEnv({ AWS_COGNITO_DISABLED: 'false' }).disabled, false)
  assert.equal(optionsFromEnv({ AWS_COGNITO_DISABLED: 'TRUE' }).disabled, true)
  assert.equal(optionsFromEnv({ AWS_COGNITO_REFRESH_FLOW_ENABLED: '0', AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS: '60' }).refreshFlow, false)
  assert.equal(optionsFromEnv({ AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS: '60' }).refreshCookieMaxAge, 60)
  await assert.rejects(async () => await Fastify().register(cognitoAuth, { ...options, ...optionsFromEnv({ AWS_COGNITO_DISABLED: 'maybe' }) }).ready(), /Invalid option disabled/)
})

test('every Set-Cookie stays under 4096 bytes for a user in 50 groups with long attributes, and the login works', async (t) => {
  const groups = Array.from({ length: 50 }, (_, i) => `department-of-long-group-names-number-${String(i).padStart(2, '0')}`)
  const attributes = {
    name: 'Alexandria Konstantinopoulou-Fitzgerald-Montgomery'.repeat(3),
    address: 'Flat 42, The Very Long Building Name, 1234 Extremely Long Street Name, Some District, Some City'.repeat(3),
    'custom:department': 'x'.repeat(600),
    'custom:roles': 'reader,writer,approver,auditor,'.repeat(20)
  }
  const { url } = await startApp(t, {
    options: { refreshFlow: true },
    emulator: { users: [{ username: 'maximal', password: 'Passw0rd!', email: 'maximal@example.com', groups, attributes }] }
  })
  const browser = new Browser()
  const hops = await logIn(browser, url, 'maximal', '/claims')
  const setCookies = hops.flatMap((h) => h.setCookies)
  assert.ok(setCookies.length > 0)
  for (const cookie of setCookies) assert.ok(Buffer.byteLength(cookie) < 4096, `${cookie.slice(0, 40)}… is ${Buffer.byteLength(cookie)} bytes`)
  assert.ok(setCookies.some((c) => c.startsWith('cognito-access-token.1=')), 'the long access token is chunked')
  const body = json(last(hops))
  assert.equal((body.groups as string[]).length, 50)
  assert.equal((body.userInfo as Record<string, string>)['custom:department'], attributes['custom:department'])
  // Logout clears every chunk.
  const out = await browser.fetch(`${url}/logout`)
  for (const chunk of ['cognito-access-token.0', 'cognito-access-token.1']) assert.ok(out.setCookies.some((c) => c.startsWith(`${chunk}=;`)), chunk)
})

test('request.cognito.fetchUserInfo() asks Cognito for the current attributes', async (t) => {
  const { url } = await startApp(t, {
    routes: (app) => app.get('/me', { preHandler: app.authRequired() }, async (request) => await request.cognito.fetchUserInfo())
  })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  const res = await browser.fetch(`${url}/me`)
  assert.equal(res.status, 200)
  assert.deepEqual(Object.keys(json(res)).sort(), ['email', 'email_verified', 'sub', 'username'])
  assert.equal(json(res).username, 'alice')
})

test('fetchUserInfo rejects an answer for another sub', async () => {
  const claims = { sub: 'user-a', client_id: 'c', token_use: 'access' as const, exp: 2, iat: 1 }
  const liar = new Identity(claims, { stored: () => ({ sub: 'user-a' }), fetch: async () => ({ sub: 'user-b' }), exposeTokens: true, userPoolIds: new Map() }, 'secret-token')
  await assert.rejects(liar.fetchUserInfo(), { code: 'FST_COGNITO_INVALID_TOKEN' })
  assert.equal(JSON.stringify(liar).includes('secret-token'), false)
})

test('exposeTokens shows the raw access token on request.cognito, never in its JSON; off by default', async (t) => {
  for (const exposeTokens of [true, false]) {
    const { app, idp } = await startApp(t, {
      options: { exposeTokens },
      routes: (a) => a.get('/token', { preHandler: a.authRequired() }, async (request) => ({ token: request.cognito.accessToken ?? null, json: JSON.stringify(request.cognito) }))
    })
    const token = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
    const res = (await app.inject({ url: '/token', headers: { authorization: `Bearer ${token}` } })).json()
    assert.equal(res.token, exposeTokens ? token : null)
    assert.ok(!(res.json as string).includes(token))
  }
})
