import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, json, startApp, type TestApp } from '../helpers/app.js'
import { formAction, formValue, type Hop } from '../helpers/browser.js'

/** Starts a login and stops at the redirect back to the app: returns the callback URL Cognito sent the browser to. */
async function callbackUrl (browser: Browser, app: TestApp, username = 'alice'): Promise<string> {
  const login = await browser.fetch(`${app.url}/login`)
  const authorize = await browser.fetch(login.headers.location as string)
  const location = authorize.headers.location as string
  // A live hosted-UI session answers with the callback at once.
  if (!location.startsWith('/login')) return location
  const form = await browser.fetch(new URL(location, authorize.url).href)
  const back = await browser.fetch(new URL(formAction(form.body), form.url).href, {
    form: { _csrf: formValue(form.body, '_csrf') ?? '', username, password: 'Passw0rd!' }
  })
  return back.headers.location as string
}

function assertRefused (hop: Hop, status: number, code: string): void {
  assert.equal(hop.status, status, hop.body)
  assert.equal(json(hop).code, code)
  assert.ok(hop.setCookies.some((c) => /^cognito-session=;.*Max-Age=0/.test(c)), 'session cleared')
  assert.ok(hop.setCookies.some((c) => /^cognito-access-token=;/.test(c)), 'access cookie cleared')
  assert.ok(!hop.setCookies.some((c) => /^cognito-access-token=[^;]/.test(c)), 'no access token set')
}

const withQuery = (href: string, change: (q: URLSearchParams) => void): string => {
  const url = new URL(href)
  change(url.searchParams)
  return url.href
}

test('state missing, wrong, or replayed: 400 FST_COGNITO_INVALID_STATE and nothing stored', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  assertRefused(await browser.fetch(withQuery(callback, (q) => q.delete('state'))), 400, 'FST_COGNITO_INVALID_STATE')

  const second = await callbackUrl(browser, app)
  assertRefused(await browser.fetch(withQuery(second, (q) => q.set('state', 'forged'))), 400, 'FST_COGNITO_INVALID_STATE')
  // The transaction died with the failed attempt: even the right state is now refused.
  assertRefused(await browser.fetch(second), 400, 'FST_COGNITO_INVALID_STATE')

  const third = await callbackUrl(browser, app)
  assert.equal((await browser.fetch(third)).status, 302)
  assertRefused(await browser.fetch(third), 400, 'FST_COGNITO_INVALID_STATE')
  assert.equal(app.idp.stats.tokenRequests, 1)
})

test('a callback carried to another browser is refused: its session has no such login', async (t) => {
  const app = await startApp(t)
  const callback = await callbackUrl(new Browser(), app)
  const attacker = new Browser()
  const res = await attacker.fetch(callback)
  assertRefused(res, 400, 'FST_COGNITO_INVALID_STATE')
  assert.match(json(res).message as string, /no login is in progress/)
  assert.equal(app.idp.stats.tokenRequests, 0)
})

test('error=access_denied from Cognito: 401 FST_COGNITO_LOGIN_DENIED', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  const denied = withQuery(callback, (q) => { q.delete('code'); q.set('error', 'access_denied'); q.set('error_description', '<script>') })
  const res = await browser.fetch(denied)
  assertRefused(res, 401, 'FST_COGNITO_LOGIN_DENIED')
  assert.match(json(res).message as string, /access_denied/)
  assert.doesNotMatch(res.body, /<script>/)
})

test('a callback with the right state and no code: 400 FST_COGNITO_MISSING_CODE', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  assertRefused(await browser.fetch(withQuery(callback, (q) => q.delete('code'))), 400, 'FST_COGNITO_MISSING_CODE')
})

const tokenFaults: Array<[string, Parameters<TestApp['idp']['setTokenFault']>[0], number, string]> = [
  ['400 invalid_grant', { status: 400, body: '{"error":"invalid_grant"}' }, 400, 'FST_COGNITO_CODE_REJECTED'],
  ['400 invalid_client', { status: 400, body: '{"error":"invalid_client"}' }, 502, 'FST_COGNITO_IDP_ERROR'],
  ['500', { status: 500 }, 502, 'FST_COGNITO_IDP_ERROR'],
  ['non-JSON', { status: 200, body: '<html>maintenance</html>', contentType: 'text/html' }, 502, 'FST_COGNITO_IDP_ERROR'],
  ['200 without tokens', { status: 200, body: '{"token_type":"Bearer"}' }, 502, 'FST_COGNITO_IDP_ERROR'],
  ['a dropped connection', { destroy: true }, 503, 'FST_COGNITO_IDP_UNREACHABLE'],
  ['no answer in time', { delayMs: 2000, status: 200 }, 504, 'FST_COGNITO_IDP_TIMEOUT']
]

for (const [name, fault, status, code] of tokenFaults) {
  test(`token endpoint fault, ${name}: ${status} ${code}, logged without secrets`, async (t) => {
    const app = await startApp(t, { options: { requestTimeout: 300 } })
    const browser = new Browser()
    const callback = await callbackUrl(browser, app)
    app.idp.setTokenFault(fault)
    const started = Date.now()
    const res = await browser.fetch(callback)
    assert.ok(Date.now() - started < 1500, 'bounded wait')
    assertRefused(res, status, code)
    const errorLines = app.logs.filter((l) => l.includes(code))
    assert.equal(errorLines.length, 1, 'one log line for the failure')
    const codeValue = new URL(callback).searchParams.get('code') as string
    for (const line of app.logs) {
      assert.ok(!line.includes(codeValue), 'no code in logs')
      assert.ok(!line.includes('test-client-secret'), 'no secret in logs')
    }
    // The app keeps serving.
    assert.equal((await browser.fetch(`${app.url}/`)).status, 200)
  })
}

test('an unreachable token endpoint: 503 FST_COGNITO_IDP_UNREACHABLE', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  await app.idp.close()
  assertRefused(await browser.fetch(callback), 503, 'FST_COGNITO_IDP_UNREACHABLE')
})

test('an ID token with the wrong nonce is refused: 401 FST_COGNITO_INVALID_TOKEN', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  // Start a login to create the transaction, but get the code from an authorize request carrying another nonce.
  const login = await browser.fetch(`${app.url}/login`)
  const authorize = new URL(login.headers.location as string)
  authorize.searchParams.set('nonce', 'attacker-nonce')
  const form = await browser.fetch(new URL((await browser.fetch(authorize.href)).headers.location as string, authorize).href)
  const back = await browser.fetch(new URL(formAction(form.body), form.url).href, {
    form: { _csrf: formValue(form.body, '_csrf') ?? '', username: 'alice', password: 'Passw0rd!' }
  })
  const res = await browser.fetch(back.headers.location as string)
  assertRefused(res, 401, 'FST_COGNITO_INVALID_TOKEN')
  assert.match(json(res).message as string, /nonce/)
})

test('the code is exchanged with the PKCE verifier whose challenge went to authorize', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  const login = await browser.fetch(`${app.url}/login`)
  const authorize = new URL(login.headers.location as string)
  // Swap in a challenge the plugin does not hold the verifier for: the emulator must then refuse the exchange.
  authorize.searchParams.set('code_challenge', 'A'.repeat(43))
  const form = await browser.fetch(new URL((await browser.fetch(authorize.href)).headers.location as string, authorize).href)
  const back = await browser.fetch(new URL(formAction(form.body), form.url).href, {
    form: { _csrf: formValue(form.body, '_csrf') ?? '', username: 'alice', password: 'Passw0rd!' }
  })
  assertRefused(await browser.fetch(back.headers.location as string), 400, 'FST_COGNITO_CODE_REJECTED')
})

test('the JWKS down at the callback: 503 FST_COGNITO_JWKS_UNAVAILABLE and no session', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  app.idp.setJwksAvailable(false)
  assertRefused(await browser.fetch(callback), 503, 'FST_COGNITO_JWKS_UNAVAILABLE')
})

test('a token endpoint error whose body is odd JSON is still a coded 502', async (t) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  app.idp.setTokenFault({ status: 401, body: '{"error":{"nested":true}}' })
  const res = await browser.fetch(callback)
  assertRefused(res, 502, 'FST_COGNITO_IDP_ERROR')
  assert.match(json(res).message as string, /status 401$/)
})
