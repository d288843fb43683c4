import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, json, last, logIn, startApp } from '../helpers/app.js'
import { signIn } from '../helpers/hosted-ui.js'

// Cognito's real hosts: the plugin's default issuer and JWKS URL, reached through the emulator's dispatcher.
const AWS = { emulator: { hosts: 'aws' } } as const

test('full login as a user in groups: Hosted UI, callback, then the protected route shows claims and user info', async (t) => {
  const { url, idp, options } = await startApp(t, AWS)
  assert.equal(options.issuer, undefined)
  const browser = new Browser(idp.dispatcher())
  const hops = await logIn(browser, url, 'alice', '/claims')
  const final = last(hops)
  assert.equal(final.url, `${url}/claims`)
  assert.equal(final.status, 200)
  const body = json(final)
  assert.equal(body.username, 'alice')
  assert.deepEqual(body.groups, ['admin'])
  const claims = body.claims as Record<string, unknown>
  assert.equal(claims.token_use, 'access')
  assert.equal(claims.client_id, 'testclient')
  assert.equal(claims.iss, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Emulat0r')
  assert.equal(idp.stats.jwksRequests, 1)
  const userInfo = body.userInfo as Record<string, unknown>
  assert.equal(userInfo.email, 'alice@example.com')
  assert.equal(userInfo['cognito:username'], 'alice')
  assert.equal(userInfo.sub, claims.sub)
  for (const technical of ['nonce', 'at_hash', 'aud', 'exp', 'iat', 'jti']) assert.equal(userInfo[technical], undefined, technical)
  // The path went: /claims → /login?returnTo → authorize → form → postlogin → /claims.
  assert.match(hops[0]?.headers.location as string, /^\/login\?returnTo=%2Fclaims$/)
  const callback = hops.find((h) => h.url.startsWith(`${url}/postlogin`))
  assert.equal(callback?.status, 302)
  assert.equal(callback?.headers.location, '/claims')
})

test('full login as a user in no group: claims yes, admin 403, group checks all and any', async (t) => {
  const { url, idp } = await startApp(t, AWS)
  const carol = new Browser(idp.dispatcher())
  await logIn(carol, url, 'carol')
  const claims = await carol.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })
  assert.equal(claims.status, 200)
  assert.deepEqual(json(claims).groups, [])
  for (const path of ['/admin', '/edit', '/both']) {
    const res = await carol.fetch(`${url}${path}`, { headers: { accept: 'application/json' } })
    assert.equal(res.status, 403, path)
    assert.equal(json(res).code, 'FST_COGNITO_FORBIDDEN')
  }
  const bob = new Browser(idp.dispatcher())
  await logIn(bob, url, 'bob')
  assert.equal((await bob.fetch(`${url}/edit`)).status, 200)
  assert.equal((await bob.fetch(`${url}/both`)).status, 403)
  assert.equal((await bob.fetch(`${url}/admin`)).status, 403)
  const alice = new Browser(idp.dispatcher())
  await logIn(alice, url, 'alice')
  assert.equal((await alice.fetch(`${url}/admin`)).status, 200)
  assert.equal((await alice.fetch(`${url}/edit`)).status, 200)
  assert.equal((await alice.fetch(`${url}/both`)).status, 403)
})

test('login lands on afterLogin when no page asked for it', async (t) => {
  const { url, idp } = await startApp(t, { ...AWS, options: { afterLogin: '/claims' } })
  const final = last(await logIn(new Browser(idp.dispatcher()), url, 'alice'))
  assert.equal(final.url, `${url}/claims`)
  assert.equal(final.status, 200)
})

test('logout clears session and cookies, ends the Hosted UI session, and access is refused after', async (t) => {
  const { url, idp } = await startApp(t, { ...AWS, options: { afterLogout: '/' } })
  const browser = new Browser(idp.dispatcher())
  await logIn(browser, url, 'alice')
  assert.equal((await browser.fetch(`${url}/claims`)).status, 200)
  const out = await browser.follow(`${url}/logout`)
  const [logout, cognitoLogout, postlogout, home] = out
  assert.equal(logout?.status, 302)
  const location = new URL(logout?.headers.location as string)
  assert.equal(`${location.origin}${location.pathname}`, `${idp.domain}/logout`)
  assert.equal(location.searchParams.get('client_id'), 'testclient')
  assert.equal(location.searchParams.get('logout_uri'), `${url}/postlogout`)
  assert.ok(logout?.setCookies.some((c) => /^cognito-session=;/.test(c) && /Max-Age=0/.test(c)))
  assert.ok(logout?.setCookies.some((c) => /^cognito-access-token=;/.test(c)))
  assert.equal(cognitoLogout?.headers.location, `${url}/postlogout`)
  assert.equal(postlogout?.headers.location, '/')
  assert.equal(home?.status, 200)
  // The emulator shares the loopback host, so only the plugin's own cookies are checked.
  assert.deepEqual((json(home as never).cookies as string[]).filter((c) => c.startsWith('cognito-')), [])
  const refused = await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })
  assert.equal(refused.status, 401)
  // The Hosted UI session ended too: logging in again asks for the form.
  const again = await browser.follow(`${url}/login`)
  assert.match(last(again).body, /<form method="post"/)
})

test('a public client logs in with client_id in the body and no secret', async (t) => {
  const { url, idp } = await startApp(t, { ...AWS, publicClient: true })
  const final = last(await logIn(new Browser(idp.dispatcher()), url, 'alice', '/claims'))
  assert.equal(final.status, 200)
  assert.equal(json(final).username, 'alice')
  assert.equal(idp.stats.tokenRequests, 1)
})

test('a second login through a live Hosted UI session is silent and replaces the session', async (t) => {
  const { url, idp } = await startApp(t, AWS)
  const browser = new Browser(idp.dispatcher())
  await logIn(browser, url, 'alice')
  const first = browser.cookie('127.0.0.1', 'cognito-session')?.value
  const hops = await browser.follow(`${url}/login`)
  assert.ok(!hops.some((h) => h.body.includes('<form')))
  assert.equal(last(hops).status, 200)
  assert.notEqual(browser.cookie('127.0.0.1', 'cognito-session')?.value, first)
  assert.equal((await browser.fetch(`${url}/claims`)).status, 200)
})

test('logins started in two tabs of one browser can each complete; a used one cannot be replayed', async (t) => {
  const { url, idp } = await startApp(t, AWS)
  const browser = new Browser(idp.dispatcher())
  // Two tabs each start a login; the user signs in in the first, the second then rides the Hosted UI session.
  const first = await browser.fetch(`${url}/login?returnTo=%2Fclaims`)
  const second = await browser.fetch(`${url}/login?returnTo=%2Fedit`)
  const firstCallback = await signIn(browser, first.headers.location as string)
  const secondCallback = (await browser.fetch(second.headers.location as string)).headers.location as string
  const done = await browser.fetch(firstCallback.headers.location as string)
  assert.equal(done.headers.location, '/claims')
  const alsoDone = await browser.fetch(secondCallback)
  assert.equal(alsoDone.status, 302)
  assert.equal(alsoDone.headers.location, '/edit')
  assert.equal((await browser.fetch(firstCallback.headers.location as string)).status, 400)
})

test('at most three logins stay pending per browser: the oldest is dropped', async (t) => {
  const { url, idp } = await startApp(t, AWS)
  const browser = new Browser(idp.dispatcher())
  const starts = []
  for (let i = 0; i < 4; i++) starts.push(await browser.fetch(`${url}/login`))
  const oldest = await signIn(browser, starts[0]?.headers.location as string)
  assert.equal((await browser.fetch(oldest.headers.location as string)).status, 400)
  const newest = (await browser.fetch(starts[3]?.headers.location as string)).headers.location as string
  // The failed callback ended the session, pending logins included: a fresh start is needed.
  assert.equal((await browser.fetch(newest)).status, 400)
  assert.equal(last(await logIn(browser, url, 'alice', '/claims')).status, 200)
})
