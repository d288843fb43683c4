import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, json, logIn } from '../helpers/app.js'
import { startRedis } from '../helpers/redis-server.js'
import { startTenants } from '../tenants/setup.js'

const api = { headers: { accept: 'application/json' } }

test("tenants with redis and sessions: 'server': one store, each tenant's session ids sealed for it alone, endSessions ends one user's sessions only", async (t) => {
  const redis = await startRedis(t)
  const { app, a, b } = await startTenants(t, { redis: redis.client(), sessions: 'server' })
  const client = redis.client()
  const onA = new Browser()
  const onB = new Browser()
  await logIn(onA, a.url, 'alice')
  await logIn(onB, b.url, 'alice')
  const claimsA = await onA.fetch(`${a.url}/claims`, api)
  assert.equal(claimsA.status, 200)
  assert.equal((await onB.fetch(`${b.url}/claims`, api)).status, 200)
  assert.equal((await client.keys('cognito-auth:sess:*')).length, 2, 'both tenants\' sessions in the one store')

  // Tenant a's sealed id under tenant b's cookie name opens nothing on b.
  const nameOf = (browser: Browser, host: string): string => [...browser.cookies.get(host)?.keys() ?? []].find((name) => name.startsWith('cognito-session-')) as string
  const renamed = new Browser()
  renamed.setCookie('localhost', nameOf(onB, 'localhost'), onA.cookie('127.0.0.1', nameOf(onA, '127.0.0.1'))?.value as string)
  assert.equal((await renamed.fetch(`${b.url}/claims`, api)).status, 401)
  // Were it opened there, b's logout would delete a's session.
  assert.equal((await renamed.fetch(`${b.url}/logout`)).status, 302)
  assert.equal((await client.keys('cognito-auth:sess:*')).length, 2)
  assert.equal((await onA.fetch(`${a.url}/claims`, api)).status, 200)

  await app.cognito.endSessions(json(claimsA).sub as string)
  assert.equal((await onA.fetch(`${a.url}/claims`, api)).status, 401, 'alice of pool A is signed out')
  assert.equal((await onB.fetch(`${b.url}/claims`, api)).status, 200, 'alice of pool B (another user) is not')
  assert.equal((await client.keys('cognito-auth:sess:*')).length, 1)
})
