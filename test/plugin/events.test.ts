import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { test, type TestContext } from 'node:test'
import { publish } from '../../lib/events.js'
import type { AuditEvent, AuditMessage } from '../../lib/index.js'
import { Browser, logIn, startApp } from '../helpers/app.js'

const EVENTS: AuditEvent[] = ['login', 'login-failed', 'logout', 'refresh', 'refresh-failed', 'denied', 'jwks-fetch']
const HOST = '127.0.0.1'

/** Every audit message published while the test runs, by event. */
function listen (t: TestContext): Array<[AuditEvent, AuditMessage]> {
  const seen: Array<[AuditEvent, AuditMessage]> = []
  for (const event of EVENTS) {
    const listener = (message: unknown): void => { seen.push([event, message as AuditMessage]) }
    subscribe(`fastify-cognito-auth:${event}`, listener)
    t.after(() => { unsubscribe(`fastify-cognito-auth:${event}`, listener) })
  }
  return seen
}

const of = (seen: Array<[AuditEvent, AuditMessage]>, event: AuditEvent): AuditMessage[] => seen.filter(([e]) => e === event).map(([, m]) => m)

test('login, login-failed, denied, logout and jwks-fetch are published with who, where and why, and no secret', async (t) => {
  const seen = listen(t)
  const { url, idp } = await startApp(t)
  const browser = new Browser()
  assert.equal((await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })).status, 401)
  const hops = await logIn(browser, url, 'bob')
  // What no message may carry: the cookies of the login, its code and state.
  const callback = new URL(hops.find((h) => h.url.startsWith(`${url}/postlogin`))?.url as string)
  const secrets = [...browser.cookies.get(HOST)?.values() ?? []].map((c) => c.value)
    .concat(callback.searchParams.get('code') as string, callback.searchParams.get('state') as string).filter((v) => v.length > 8)
  assert.ok(secrets.length >= 4)
  assert.equal((await browser.fetch(`${url}/admin`, { headers: { accept: 'application/json' } })).status, 403)
  await browser.fetch(`${url}/postlogin?state=forged&code=x`)
  await browser.fetch(`${url}/logout`)

  const [login] = of(seen, 'login')
  assert.equal(login?.username, 'bob')
  assert.equal(login?.clientId, 'testclient')
  assert.match(String(login?.sub), /^[\w-]{36}$/)
  assert.match(String(login?.requestId), /^req-/)
  assert.equal(login?.ip, HOST)
  assert.deepEqual(of(seen, 'denied').map((m) => [m.code, m.route, m.username]), [
    ['FST_COGNITO_UNAUTHENTICATED', '/claims', undefined],
    ['FST_COGNITO_FORBIDDEN', '/admin', 'bob']
  ])
  assert.deepEqual(of(seen, 'login-failed').map((m) => m.code), ['FST_COGNITO_INVALID_STATE'])
  assert.deepEqual(of(seen, 'logout').map((m) => m.username), ['bob'])
  assert.deepEqual(of(seen, 'jwks-fetch'), [{ url: idp.jwksUri, ok: true }])

  const text = JSON.stringify(seen)
  for (const secret of secrets) assert.ok(!text.includes(secret), 'no cookie value in any message')
  assert.doesNotMatch(text, /eyJ|code=|test-client-secret/)
})

test('refresh and refresh-failed are published', async (t) => {
  const seen = listen(t)
  const { url, idp } = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  await browser.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })
  assert.deepEqual(of(seen, 'refresh').map((m) => m.username), ['alice'])
  const other = new Browser()
  await logIn(other, url, 'carol')
  t.mock.timers.tick(3601_000)
  idp.setTokenFault({ status: 400, body: '{"error":"invalid_grant"}' })
  assert.equal((await other.fetch(`${url}/claims`, { headers: { accept: 'application/json' } })).status, 401)
  assert.equal(of(seen, 'refresh-failed').length, 1)
  assert.equal(of(seen, 'refresh-failed')[0]?.ip, HOST)
})

test('a message is built only while its channel has a subscriber', (t) => {
  let built = 0
  const message = (): AuditMessage => { built++; return {} }
  publish('logout', message)
  assert.equal(built, 0, 'nobody listens: nothing built')
  const seen = listen(t)
  publish('logout', message)
  assert.equal(built, 1)
  assert.equal(of(seen, 'logout').length, 1)
})
