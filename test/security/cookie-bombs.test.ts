import assert from 'node:assert/strict'
import { test } from 'node:test'
import { json, last, logIn } from '../helpers/app.js'
import { auditedApp as startApp, AuditedBrowser } from './audit.js'
import { callbackUrl } from './callback-helpers.js'

const HOST = '127.0.0.1'
const api = { headers: { accept: 'application/json' } }

test('hundreds of empty chunk cookies: only a few chunks are read, and the answer has a few Set-Cookie headers', async (t) => {
  const app = await startApp(t, { options: { refreshFlow: true } })
  const names = ['cognito-access-token', 'cognito-session', 'cognito-refresh-token']
  const bomb = names.flatMap((name) => Array.from({ length: 500 }, (_, i) => `${name}.${i}=`)).join('; ')
  for (const url of ['/claims', '/logout', '/login', '/postlogin?state=x&code=y']) {
    const res = await app.app.inject({ url, headers: { cookie: bomb, accept: 'application/json' } })
    assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`)
    const setCookies = [res.headers['set-cookie'] ?? []].flat()
    assert.ok(setCookies.length <= 12, `${url}: ${setCookies.length} Set-Cookie headers`)
    assert.ok(setCookies.join('').length < 4096, `${url}: ${setCookies.join('').length} bytes of Set-Cookie`)
  }
})

test('chunks past the few a value needs are ignored: the value is read from the first ones only', async (t) => {
  const app = await startApp(t)
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  const token = browser.cookie(HOST, 'cognito-access-token')?.value as string
  const parts = [token.slice(0, 500), token.slice(500, 1000), token.slice(1000)]
  const cookie = (extra: string): string => parts.map((p, i) => `cognito-access-token.${i}=${p}`).join('; ') + extra
  assert.equal((await app.app.inject({ url: '/claims', headers: { cookie: cookie('') } })).statusCode, 200)
  // A fourth chunk is never read: appending it would break the token if it were.
  assert.equal((await app.app.inject({ url: '/claims', headers: { cookie: cookie('; cognito-access-token.3=junk') } })).statusCode, 200)
})

test('three cross-site /login navigations with huge returnTo values keep the plugin\'s cookies under 8 KB, refreshFlow on', async (t) => {
  const app = await startApp(t, { options: { refreshFlow: true } })
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  // As long as a URL under Node's 16 KiB header limit can carry.
  const attacks = [`/${'€'.repeat(800)}`, `/${'é'.repeat(1200)}`, `/${'x'.repeat(2040)}`, `/${'%E2%82%AC'.repeat(220)}`, `/${'y'.repeat(511)}`]
  for (const returnTo of attacks) {
    for (let i = 0; i < 3; i++) {
      const res = await browser.fetch(`${app.url}/login?returnTo=${encodeURIComponent(returnTo)}`, { headers: { 'sec-fetch-site': 'cross-site' } })
      assert.equal(res.status, 302)
    }
    const header = browser.cookieHeader(new URL(app.url))
    assert.ok(Buffer.byteLength(header) < 8192, `${Buffer.byteLength(header)} bytes of Cookie after returnTo of ${returnTo.length} characters`)
    // The site still answers, /logout included.
    assert.equal((await browser.fetch(`${app.url}/claims`, api)).status, 200)
  }
  assert.equal((await browser.fetch(`${app.url}/logout`)).status, 302)
})

test('a returnTo with characters above U+00FF comes back percent-encoded after login, never a 500', async (t) => {
  const app = await startApp(t)
  const browser = new AuditedBrowser()
  const hops = await browser.follow(await callbackUrl(browser, app, 'alice', undefined, `/login?returnTo=${encodeURIComponent('/café/€?q=ü')}`))
  assert.equal(hops[0]?.status, 302)
  assert.equal(hops[0]?.headers.location, '/caf%C3%A9/%E2%82%AC?q=%C3%BC')
  // Over the limit, or with a lone surrogate: the login still succeeds and goes to afterLogin.
  for (const returnTo of [`/${'€'.repeat(200)}`, '/\uD800']) {
    const other = new AuditedBrowser()
    const back = await other.fetch(await callbackUrl(other, app, 'alice', undefined, `/login?returnTo=${encodeURIComponent(returnTo.replace('\uD800', '')) + (returnTo.includes('\uD800') ? '%ED%A0%80' : '')}`))
    assert.equal(back.status, 302)
    assert.equal(back.headers.location, '/')
  }
  assert.equal(last(hops).status, 404)
})

test('with Secure cookies and no cookieDomain the cookies are __Host- prefixed, and a tossed unprefixed pending login is ignored', async (t) => {
  const app = await startApp(t, { options: { cookieSecure: true } })
  const attacker = new AuditedBrowser()
  const attackerCallback = await callbackUrl(attacker, app, 'bob')
  const planted = attacker.cookie(HOST, '__Host-cognito-session')?.value as string
  assert.ok(planted !== undefined, 'the pending login lives in a __Host- cookie')
  const victim = new AuditedBrowser()
  // What a sibling subdomain or a plain-http answer could set: the same value without the prefix.
  victim.setCookie(HOST, 'cognito-session', planted)
  const res = await victim.fetch(attackerCallback)
  assert.equal(res.status, 400)
  assert.equal(json(res).code, 'FST_COGNITO_INVALID_STATE')
  assert.equal(app.idp.stats.tokenRequests, 0, 'the attacker\'s code was never exchanged in the victim\'s browser')

  const hops = await logIn(victim, app.url, 'alice')
  const set = hops.flatMap((h) => h.url.startsWith(app.url) ? h.setCookies : [])
  assert.ok(set.length > 0)
  for (const cookie of set) {
    assert.match(cookie, /^__Host-cognito-/)
    assert.match(cookie, /; Secure/)
    assert.match(cookie, /; Path=\//)
    assert.doesNotMatch(cookie, /Domain=/i)
  }
  assert.equal((await victim.fetch(`${app.url}/claims`, api)).status, 200)
})
