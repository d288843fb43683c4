import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ownLoginRoutes } from '../../example/own-routes.js'
import { Browser, buildApp, last, logIn, startApp } from '../helpers/app.js'
import { startRedis } from '../helpers/redis-server.js'

test("routes: false with sessions: 'server': the app's own login, callback and logout store and delete the session in Redis before answering", async (t) => {
  const redis = await startRedis(t)
  const { url, options } = await startApp(t, { options: { routes: false, sessions: 'server', redis: redis.client() }, routes: ownLoginRoutes })
  // Another instance on the same Redis, with the plugin's own routes: it knows only what reached Redis.
  const { app: other } = await buildApp({ ...options, routes: true, redis: redis.client() })
  t.after(() => other.close())
  const client = redis.client()
  const claims = async (cookie: string): Promise<number> => (await other.inject({ url: '/claims', headers: { cookie, accept: 'application/json' } })).statusCode

  const browser = new Browser()
  const start = await browser.fetch(`${url}/login?returnTo=%2Fclaims`)
  assert.equal(start.status, 302)
  assert.deepEqual(start.setCookies.map((c) => c.split('=')[0]), ['cognito-session'])
  assert.equal((await client.keys('cognito-auth:sess:*')).length, 1, 'the pending login is in Redis when /login answers')

  const hops = await logIn(browser, url, 'alice', '/claims')
  assert.equal(last(hops).url, `${url}/claims`)
  assert.equal(last(hops).status, 200)
  const callback = hops.find((h) => h.url.includes('/postlogin'))
  assert.deepEqual(callback?.setCookies.map((c) => c.split('=')[0]), ['cognito-session'], 'a new session id, and no token cookie')
  const cookie = browser.cookieHeader(new URL(url))
  assert.ok(cookie.length < 200)
  assert.equal(await claims(cookie), 200, 'the login reached Redis before the callback answered')

  const out = await browser.fetch(`${url}/logout`)
  assert.equal(out.status, 302)
  assert.deepEqual(await client.keys('cognito-auth:sess:*'), [], 'the app\'s logout deleted the session before answering')
  assert.equal(await claims(cookie), 401)
})
