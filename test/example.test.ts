import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildExampleApp } from '../example/app.js'
import { demoClient, startCognitoEmulator } from '../lib/testing/index.js'
import { Browser, freePort, json, last, logIn, SECRET } from './helpers/app.js'

test('the example app: a guest home page, /claims as the seed shows it, /admin and /edit by group', async (t) => {
  // Cognito's real issuer and domain, reached through the emulator's dispatcher: the plugin's default JWKS URL is used.
  const idp = await startCognitoEmulator({ hosts: 'aws' })
  t.after(() => idp.close())
  const client = idp.clients[0] as (typeof idp.clients)[number]
  const app = await buildExampleApp({
    ...idp.pluginOptions(),
    secret: 'example-secret-of-at-least-thirty-two-chars',
    redirectUrl: 'http://localhost:5000/postlogin',
    logoutUrl: 'http://localhost:5000/postlogout'
  })
  t.after(() => app.close())
  const as = (username: string): { 'cognito-access-token': string } =>
    ({ 'cognito-access-token': idp.issueTokens({ username, clientId: client.clientId }).access_token })

  const guest = await app.inject('/')
  assert.equal(guest.statusCode, 200)
  assert.match(guest.body, /not logged in/)
  assert.match((await app.inject({ url: '/', cookies: as('bob') })).body, /Logged in as <strong id="user">bob<\/strong> \(groups: editor\)/)

  const claims = await app.inject({ url: '/claims', cookies: as('carol') })
  assert.equal(claims.statusCode, 200)
  assert.deepEqual(Object.keys(claims.json()), ['claims', 'user_info'])
  assert.equal(claims.json().claims.username, 'carol')

  assert.equal((await app.inject({ url: '/admin', cookies: as('bob') })).statusCode, 403)
  assert.equal((await app.inject({ url: '/admin', cookies: as('alice') })).statusCode, 200)
  assert.equal((await app.inject({ url: '/edit', cookies: as('bob') })).statusCode, 200)
  assert.equal((await app.inject({ url: '/edit', cookies: as('carol') })).statusCode, 403)
  assert.equal((await app.inject({ url: '/claims', headers: { accept: 'text/html' } })).headers.location, '/login?returnTo=%2Fclaims')
  assert.equal(idp.stats.jwksRequests, 1)
})

for (const [mode, routes] of [['the plugin\'s routes', undefined], ['the seed\'s four views written by the app (routes: false)', false]] as const) {
  test(`the example's login flow end to end, with ${mode}`, async (t) => {
    const port = await freePort()
    const url = `http://localhost:${port}`
    const idp = await startCognitoEmulator({ hosts: 'aws', clients: [{ ...demoClient, callbackUrls: [`${url}/postlogin`], logoutUrls: [`${url}/postlogout`] }] })
    t.after(() => idp.close())
    const app = await buildExampleApp({ ...idp.pluginOptions(), secret: SECRET, redirectUrl: `${url}/postlogin`, logoutUrl: `${url}/postlogout`, routes })
    await app.listen({ port, host: '127.0.0.1' })
    t.after(() => app.close())
    const browser = new Browser(idp.dispatcher())
    // /claims sends a guest to log in, and brings them back there.
    const hops = await logIn(browser, url, 'bob', '/claims')
    assert.equal(last(hops).url, `${url}/claims`)
    assert.equal((json(last(hops)).claims as Record<string, unknown>).username, 'bob')
    assert.equal(last(await browser.follow(`${url}/edit`)).status, 200)
    assert.equal(last(await browser.follow(`${url}/admin`)).status, 403)
    const out = await browser.follow(`${url}/logout`)
    assert.equal(last(out).url, `${url}/`)
    assert.match(last(out).body, /not logged in/)
    assert.equal((await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })).status, 401)
    // Without a returnTo, the app's own callback sends admins to /admin, the plugin's to afterLogin.
    const aliceBrowser = new Browser(idp.dispatcher())
    const admin = await logIn(aliceBrowser, url, 'alice')
    assert.equal(last(admin).url, routes === false ? `${url}/admin` : `${url}/`)
    // onLogin greets a first sign-in once; bob's second sign-in is not greeted.
    const home = last(admin).url === `${url}/` ? last(admin).body : (await aliceBrowser.fetch(`${url}/`)).body
    assert.match(home, /id="welcome">Welcome, alice: this is your first sign-in/)
    assert.doesNotMatch((await aliceBrowser.fetch(`${url}/`)).body, /welcome/)
    await logIn(browser, url, 'bob')
    assert.doesNotMatch((await browser.fetch(`${url}/`)).body, /welcome/)
    // /admin wants a sign-in of the last five minutes.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    t.mock.timers.tick(301_000)
    const stale = await aliceBrowser.fetch(`${url}/admin`)
    assert.equal(stale.headers.location, '/login?prompt=login&returnTo=%2Fadmin')
    const login = await aliceBrowser.fetch(`${url}${stale.headers.location as string}`)
    assert.equal(new URL(login.headers.location as string).searchParams.get('prompt'), 'login')
  })
}
