import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, buildApp, freePort, json, logIn, SECRET, startApp } from '../helpers/app.js'
import { last } from '../helpers/browser.js'
import { startCognitoEmulator } from '../../lib/testing/index.js'
import { callbackUrl, withQuery } from '../security/callback-helpers.js'

/** The debug lines that explain a refused callback. */
const explained = (logs: string[]): Array<{ level: number, problem: string, msg: string }> =>
  logs.map((line) => JSON.parse(line)).filter((entry) => String(entry.msg).startsWith('fastify-cognito-auth: login callback refused:'))

test('no login cookie came back: the app was opened at 127.0.0.1 while redirectUrl says localhost', async (t) => {
  const port = await freePort()
  const redirectUrl = `http://localhost:${port}/postlogin`
  const idp = await startCognitoEmulator({ clients: [{ clientId: 'hostclient', clientSecret: 'host-client-secret-0123456789abcdefghij', callbackUrls: [redirectUrl], logoutUrls: [`http://localhost:${port}/postlogout`] }] })
  t.after(() => idp.close())
  const { app, logs } = await buildApp({ ...idp.pluginOptions(), secret: SECRET, redirectUrl, logoutUrl: `http://localhost:${port}/postlogout` })
  await app.listen({ port, host: '127.0.0.1' })
  t.after(() => app.close())

  const hops = await logIn(new Browser(), `http://127.0.0.1:${port}`, 'alice')
  const refused = last(hops)
  assert.equal(refused.url.startsWith(redirectUrl), true)
  assert.equal(refused.status, 400)
  assert.equal(json(refused).code, 'FST_COGNITO_INVALID_STATE')
  const message = json(refused).message as string
  assert.match(message, new RegExp(`^Login callback refused: no login is in progress in this browser: no login cookie came back with the callback; likely the login was started on another host than localhost:${port} \\(open the app at http://localhost:${port}, the host of redirectUrl\\)`))
  assert.match(message, /, or the login took longer than cookieMaxAge \(1800 s\), or this callback was already used$/)
  const [line] = explained(logs)
  assert.deepEqual([line?.level, line?.problem], [20, 'no-session'])
  assert.equal(line?.msg, `fastify-cognito-auth: login callback refused: ${message.replace('Login callback refused: ', '')}`)
  assert.equal(idp.stats.tokenRequests, 0)
  // The app listens on 127.0.0.1, where localhost resolves here: login can work, so no start-up warning.
  assert.equal(logs.some((l) => JSON.parse(l).level === 40), false)
})

test('no login cookie: cookieDomain and SameSite=strict are named when they are set', async (t) => {
  const { app } = await startApp(t, { options: { cookieDomain: '127.0.0.1', cookieSameSite: 'strict' } })
  const res = await app.inject('/postlogin?state=abc&code=xyz')
  assert.equal(res.statusCode, 400)
  assert.match(res.json().message, /cookieDomain 127\.0\.0\.1 does not cover 127\.0\.0\.1, or SameSite=strict keeps the cookie off the way back from Cognito \(use lax\), or the login took longer/)
})

test('a login cookie that cannot be opened: expired, or sealed with another secret', async (t) => {
  const started = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, started)
  browser.setCookie('127.0.0.1', 'cognito-session', 'c2VhbGVkLWJ5LWFub3RoZXItc2VjcmV0.bm9uY2U')
  const res = await browser.fetch(callback)
  assert.equal(res.status, 400)
  assert.equal(json(res).message, 'Login callback refused: no login is in progress in this browser: its login cookie could not be opened; the login expired (started more than cookieMaxAge, 1800 s, ago) or the secret changed since')
  assert.equal(explained(started.logs)[0]?.problem, 'no-session')
})

test('state missing, a callback already used, and a state that matches no login here: each says why', async (t) => {
  const started = await startApp(t)
  const missing = await started.app.inject('/postlogin?code=Code0fTheCallback')
  assert.equal(missing.json().message, 'Login callback refused: state is missing: this is not Cognito\'s answer to a login this app started (start logins at /login)')

  const browser = new Browser()
  const callback = await callbackUrl(browser, started)
  assert.equal((await browser.fetch(callback)).status, 302)
  const replay = await browser.fetch(callback)
  assert.equal(replay.status, 400)
  assert.equal(json(replay).message, 'Login callback refused: no login is in progress in this browser: this callback was already used (a reload, the back button, a replay) or its login finished in another tab')

  const forged = await browser.fetch(withQuery(await callbackUrl(browser, started), (q) => q.set('state', 'St4teOfAnAttacker')))
  assert.equal(forged.status, 400)
  assert.equal(json(forged).message, 'Login callback refused: state does not match a login started in this browser: it was started in another browser, replaced by newer logins (the last 3 are kept), or the callback is replayed or forged')
  assert.deepEqual(explained(started.logs).map((line) => line.problem), ['missing', 'no-login', 'mismatch'])
  // The explanation never carries the state or the code.
  for (const line of started.logs) assert.equal(/St4teOfAnAttacker|Code0fTheCallback/.test(line), false)
})
