import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, json, last, logIn } from '../helpers/app.js'
import { startTenants } from './setup.js'

const hostOf = (url: string): string => new URL(url).hostname

test('login on each tenant\'s host goes to its own hosted UI and ends logged in to that tenant only', async (t) => {
  const { a, b } = await startTenants(t)
  const browser = new Browser()
  const hopsA = await logIn(browser, a.url, 'alice')
  assert.ok((hopsA[1]?.url ?? '').startsWith(`${a.idp.domain}/oauth2/authorize?`), 'tenant a signs in at pool A')
  assert.equal(new URL(hopsA[1]?.url as string).searchParams.get('client_id'), 'aclient')
  assert.equal(last(hopsA).url, `${a.url}/`)
  const claimsA = await browser.fetch(`${a.url}/claims`)
  assert.equal(claimsA.status, 200)
  assert.equal(json(claimsA).issuer, a.idp.issuer)
  assert.equal(json(claimsA).userPoolId, a.idp.userPoolId)
  assert.equal((json(claimsA).userInfo as { email: string }).email, 'alice@example.com')
  const notYet = await browser.fetch(`${b.url}/claims`)
  assert.equal(notYet.status, 302, 'logged in to tenant a only')
  assert.equal(notYet.headers.location, '/login?returnTo=%2Fclaims')

  const hopsB = await logIn(browser, b.url, 'bob')
  assert.ok((hopsB[1]?.url ?? '').startsWith(`${b.idp.domain}/oauth2/authorize?`), 'tenant b signs in at pool B')
  const claimsB = await browser.fetch(`${b.url}/claims`)
  assert.equal(json(claimsB).username, 'bob')
  assert.equal(json(claimsB).issuer, b.idp.issuer)
  assert.equal(json((await browser.fetch(`${a.url}/claims`))).username, 'alice', 'tenant a still has its own login')
  assert.equal(a.idp.stats.tokenRequests, 1)
  assert.equal(b.idp.stats.tokenRequests, 1)
  // Cookie names of their own: neither tenant's cookies bear the single-pool names.
  for (const host of ['127.0.0.1', 'localhost']) {
    const names = [...browser.cookies.get(host)?.keys() ?? []].filter((name) => name.startsWith('cognito-'))
    assert.equal(names.length, 2, host)
    for (const name of names) assert.match(name, /^cognito-(session|access-token)-[\w-]{10}$/)
  }
})

test('cookies of tenant a presented on tenant b\'s host are refused, under a\'s names or renamed to b\'s', async (t) => {
  const { a, b } = await startTenants(t)
  const alice = new Browser()
  await logIn(alice, a.url, 'alice')
  const bob = new Browser()
  await logIn(bob, b.url, 'bob')
  const namesOf = (browser: Browser, host: string): string[] => [...browser.cookies.get(host)?.keys() ?? []].filter((name) => name.startsWith('cognito-')).sort()
  const [accessA, sessionA] = namesOf(alice, '127.0.0.1') as [string, string]
  const [accessB, sessionB] = namesOf(bob, 'localhost') as [string, string]
  const value = (name: string): string => alice.cookie('127.0.0.1', name)?.value as string

  const copied = new Browser()
  copied.setCookie('localhost', accessA, value(accessA))
  copied.setCookie('localhost', sessionA, value(sessionA))
  assert.equal((await copied.fetch(`${b.url}/claims`)).status, 302, 'a\'s cookies are not b\'s')

  const renamed = new Browser()
  renamed.setCookie('localhost', accessB, value(accessA))
  renamed.setCookie('localhost', sessionB, value(sessionA))
  const res = await renamed.fetch(`${b.url}/claims`)
  assert.equal(res.status, 302, 'pool A\'s token does not authenticate on tenant b')
  assert.ok(res.setCookies.some((c) => c.startsWith(`${accessB}=;`)), 'the refused access-token cookie is cleared')

  // Bob's own token next to alice's session from tenant a: the session does not open, so none of alice shows.
  const mixed = new Browser()
  mixed.setCookie('localhost', accessB, bob.cookie('localhost', accessB)?.value as string)
  mixed.setCookie('localhost', sessionB, value(sessionA))
  const shown = await mixed.fetch(`${b.url}/claims`)
  assert.equal(shown.status, 200)
  assert.equal(json(shown).username, 'bob')
  assert.deepEqual(json(shown).userInfo, {})
  assert.equal(hostOf(a.url), '127.0.0.1')
})

test('a pending login of tenant a, its session cookie renamed to b\'s, does not open on b: the callback is refused as no login', async (t) => {
  const { a, b } = await startTenants(t)
  const browser = new Browser()
  const started = await browser.fetch(`${a.url}/login`)
  const state = new URL(String(started.headers.location)).searchParams.get('state') as string
  const sessionA = [...browser.cookies.get('127.0.0.1')?.keys() ?? []].find((name) => name.startsWith('cognito-session-')) as string
  const bob = new Browser()
  await bob.fetch(`${b.url}/login`)
  const sessionB = [...bob.cookies.get('localhost')?.keys() ?? []].find((name) => name.startsWith('cognito-session-')) as string
  const planted = new Browser()
  planted.setCookie('localhost', sessionB, browser.cookie('127.0.0.1', sessionA)?.value as string)
  const res = await planted.fetch(`${b.url}/postlogin?state=${encodeURIComponent(state)}&code=some-code`)
  assert.equal(res.status, 400)
  assert.equal(json(res).code, 'FST_COGNITO_INVALID_STATE')
  assert.equal(b.idp.stats.tokenRequests, 0, 'no code was sent to pool B')
})

test('a bearer token of pool A never authenticates on tenant b; each tenant takes its own pool\'s tokens', async (t) => {
  const { app, a, b } = await startTenants(t)
  const tokenA = a.idp.issueTokens({ username: 'alice', clientId: 'aclient' }).access_token
  const tokenB = b.idp.issueTokens({ username: 'bob', clientId: 'bclient' }).access_token
  const call = async (host: string, token: string): Promise<{ status: number, body: Record<string, unknown> }> => {
    const res = await app.inject({ url: '/claims', headers: { host, authorization: `Bearer ${token}` } })
    return { status: res.statusCode, body: res.json() }
  }
  assert.equal((await call(a.key, tokenA)).body.issuer, a.idp.issuer)
  assert.equal((await call(b.key, tokenB)).body.issuer, b.idp.issuer)
  const crossed = await call(b.key, tokenA)
  assert.equal(crossed.status, 401)
  assert.equal(crossed.body.code, 'FST_COGNITO_UNAUTHENTICATED')
  assert.equal((await call(a.key, tokenB)).status, 401)
  assert.equal(a.idp.stats.jwksRequests, 1, 'pool A\'s token on tenant b fetched no JWKS there')
  assert.equal(b.idp.stats.jwksRequests, 1)
})

test('a host that is no tenant gets 404 FST_COGNITO_UNKNOWN_TENANT on every route of the plugin, and reaches no pool', async (t) => {
  const { app, a, b } = await startTenants(t, {}, {}, (app) => app.get('/maybe', { preHandler: app.authOptional() }, async (request) => ({ user: request.cognito?.username ?? null })))
  for (const url of ['/login', '/postlogin?state=x&code=y', '/logout', '/claims', '/maybe']) {
    const res = await app.inject({ url, headers: { host: 'evil.example.com' } })
    assert.equal(res.statusCode, 404, url)
    assert.equal(res.json().code, 'FST_COGNITO_UNKNOWN_TENANT', url)
  }
  const token = a.idp.issueTokens({ username: 'alice', clientId: 'aclient' }).access_token
  const maybe = await app.inject({ url: '/maybe', headers: { host: a.key, authorization: `Bearer ${token}` } })
  assert.deepEqual(maybe.json(), { user: 'alice' })
  for (const idp of [a.idp, b.idp]) assert.equal(idp.stats.tokenRequests + idp.stats.revokeRequests, 0)
})

test('refresh and logout use the tenant\'s pool, and end only that tenant\'s login', async (t) => {
  const { a, b } = await startTenants(t, { refreshFlow: true })
  const browser = new Browser()
  await logIn(browser, a.url, 'alice')
  await logIn(browser, b.url, 'bob')
  const accessB = [...browser.cookies.get('localhost')?.keys() ?? []].find((name) => name.startsWith('cognito-access-token-')) as string
  browser.cookies.get('localhost')?.delete(accessB)
  const refreshed = await browser.fetch(`${b.url}/claims`)
  assert.equal(refreshed.status, 200)
  assert.equal(json(refreshed).username, 'bob')
  assert.equal(b.idp.stats.tokenRequests, 2, 'the refresh went to pool B')
  assert.equal(a.idp.stats.tokenRequests, 1)

  const logout = await browser.fetch(`${b.url}/logout`)
  assert.equal(logout.status, 302)
  const location = new URL(String(logout.headers.location))
  assert.equal(location.origin + location.pathname, `${b.idp.domain}/logout`)
  assert.equal(location.searchParams.get('client_id'), 'bclient')
  assert.equal(location.searchParams.get('logout_uri'), `${b.url}/postlogout`)
  assert.equal(b.idp.stats.revokeRequests, 1)
  assert.equal(a.idp.stats.revokeRequests, 0)
  assert.equal((await browser.fetch(`${b.url}/claims`)).status, 302)
  assert.equal(json(await browser.fetch(`${a.url}/claims`)).username, 'alice', 'tenant a\'s login goes on')
})

test('one pool\'s JWKS outage leaves the other tenant working', async (t) => {
  const { a, b } = await startTenants(t)
  b.idp.setJwksAvailable(false)
  const browser = new Browser()
  const failed = last(await logIn(browser, b.url, 'bob'))
  assert.equal(failed.status, 503)
  assert.equal(json(failed).code, 'FST_COGNITO_JWKS_UNAVAILABLE')
  assert.equal(last(await logIn(browser, a.url, 'alice')).status, 200)
  assert.equal(json(await browser.fetch(`${a.url}/claims`)).username, 'alice')
  b.idp.setJwksAvailable(true)
  await logIn(browser, b.url, 'bob')
  assert.equal(json(await browser.fetch(`${b.url}/claims`)).username, 'bob')
})

test('a tenantOf of the app\'s own, with routes: false: app.cognito picks the tenant per request, and clientCredentials by its tenant option', async (t) => {
  const { app, a, b } = await startTenants(t, { routes: false, tenantOf: (request) => request.headers['x-tenant'] as string | undefined }, {}, (app) => {
    app.get('/signin', async (request, reply) => await app.cognito.login(request, reply))
  })
  const res = await app.inject({ url: '/signin', headers: { 'x-tenant': b.key } })
  assert.equal(res.statusCode, 302)
  assert.ok(String(res.headers.location).startsWith(`${b.idp.domain}/oauth2/authorize?`))
  assert.equal((await app.inject({ url: '/signin' })).json().code, 'FST_COGNITO_UNKNOWN_TENANT')
  const token = await app.cognito.clientCredentials({ tenant: a.key })
  assert.equal(JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).iss, a.idp.issuer)
  await assert.rejects(app.cognito.clientCredentials(), { code: 'FST_COGNITO_UNKNOWN_TENANT' })
})
