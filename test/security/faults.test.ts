import assert from 'node:assert/strict'
import { test } from 'node:test'
import { json, type TestApp } from '../helpers/app.js'
import { auditedApp as startApp, AuditedBrowser as Browser } from './audit.js'
import { assertRefused, callbackUrl } from './callback-helpers.js'

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
