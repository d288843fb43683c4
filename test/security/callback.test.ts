import assert from 'node:assert/strict'
import { json } from '../helpers/app.js'
import { AuditedBrowser as Browser } from './audit.js'
import { assertRefused, callbackUrl, withQuery } from './callback-helpers.js'
import { flowTest } from './flow-modes.js'

flowTest('state missing, wrong, or replayed: 400 FST_COGNITO_INVALID_STATE and nothing stored', async (t, startApp) => {
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
  // Replayed after the login: refused, and the login it would have replaced stays.
  const replay = await browser.fetch(third)
  assert.equal(replay.status, 400)
  assert.equal(json(replay).code, 'FST_COGNITO_INVALID_STATE')
  assert.ok(!replay.setCookies.some((c) => /^cognito-(session|access-token)=/.test(c)), 'the login is left alone')
  assert.equal((await browser.fetch(`${app.url}/claims`, { headers: { accept: 'application/json' } })).status, 200)
  assert.equal(app.idp.stats.tokenRequests, 1)
})

flowTest('a forged state of non-ASCII characters, as long as a real one: 400 FST_COGNITO_INVALID_STATE, never a 500', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  const real = new URL(callback).searchParams.get('state') as string
  const res = await browser.fetch(withQuery(callback, (q) => q.set('state', 'é'.repeat(real.length))))
  assertRefused(res, 400, 'FST_COGNITO_INVALID_STATE')
  assert.match(json(res).message as string, /state does not match/)
  // The pending login died with the attempt.
  assertRefused(await browser.fetch(callback), 400, 'FST_COGNITO_INVALID_STATE')
})

flowTest('a callback carried to another browser is refused: its session has no such login', async (t, startApp) => {
  const app = await startApp(t)
  const callback = await callbackUrl(new Browser(), app)
  const attacker = new Browser()
  const res = await attacker.fetch(callback)
  assertRefused(res, 400, 'FST_COGNITO_INVALID_STATE')
  assert.match(json(res).message as string, /no login is in progress/)
  assert.equal(app.idp.stats.tokenRequests, 0)
})

flowTest('error=access_denied from Cognito: 401 FST_COGNITO_LOGIN_DENIED', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  const denied = withQuery(callback, (q) => { q.delete('code'); q.set('error', 'access_denied'); q.set('error_description', '<script>') })
  const res = await browser.fetch(denied)
  assertRefused(res, 401, 'FST_COGNITO_LOGIN_DENIED')
  assert.match(json(res).message as string, /access_denied/)
  assert.doesNotMatch(res.body, /<script>/)
})

flowTest('a callback with the right state and no code: 400 FST_COGNITO_MISSING_CODE', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  assertRefused(await browser.fetch(withQuery(callback, (q) => q.delete('code'))), 400, 'FST_COGNITO_MISSING_CODE')
})

flowTest('an ID token with the wrong nonce is refused: 401 FST_COGNITO_INVALID_TOKEN', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app, 'alice', (q) => q.set('nonce', 'attacker-nonce'))
  const res = await browser.fetch(callback)
  assertRefused(res, 401, 'FST_COGNITO_INVALID_TOKEN')
  assert.match(json(res).message as string, /nonce/)
})

flowTest('the code is exchanged with the PKCE verifier whose challenge went to authorize', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new Browser()
  // Swap in a challenge the plugin does not hold the verifier for: Cognito must then refuse the exchange.
  const callback = await callbackUrl(browser, app, 'alice', (q) => q.set('code_challenge', 'A'.repeat(43)))
  assertRefused(await browser.fetch(callback), 400, 'FST_COGNITO_CODE_REJECTED')
})

flowTest('a replayed code is refused even inside a fresh login transaction, and leaves no session', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new Browser()
  const first = await callbackUrl(browser, app)
  assert.equal((await browser.fetch(first)).status, 302)
  // A new login in the same browser, answered with the old code under the new state.
  const second = await callbackUrl(browser, app)
  const replay = withQuery(second, (q) => q.set('code', new URL(first).searchParams.get('code') as string))
  assertRefused(await browser.fetch(replay), 400, 'FST_COGNITO_CODE_REJECTED')
  assert.equal((await browser.fetch(`${app.url}/claims`, { headers: { accept: 'application/json' } })).status, 401)
})

flowTest('an oversized or garbage callback query is a 4xx, never a session', async (t, startApp) => {
  const app = await startApp(t)
  const browser = new Browser()
  const callback = await callbackUrl(browser, app)
  const garbage = [
    `${app.url}/postlogin?state=${'s'.repeat(8000)}&code=${'c'.repeat(8000)}`,
    `${app.url}/postlogin?state=%ZZ&code=%00%01`,
    withQuery(callback, (q) => q.append('state', 'second')),
    withQuery(callback, (q) => q.append('code', 'second')),
    `${app.url}/postlogin?${'x=1&'.repeat(2000)}`
  ]
  for (const href of garbage) {
    const res = await browser.fetch(href)
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} for ${href.slice(0, 80)}`)
    assert.ok(!res.setCookies.some((c) => /^cognito-access-token=[^;]/.test(c)))
  }
  const huge = await browser.fetch(`${app.url}/postlogin?state=${'s'.repeat(70_000)}`).catch(() => undefined)
  assert.ok(huge === undefined || (huge.status >= 400 && huge.status < 500))
  assert.equal((await browser.fetch(`${app.url}/`)).status, 200)
})

flowTest('the PKCE verifier is really sent with the code, matches the challenge, and is new for every login', async (t, startApp) => {
  const sent: URLSearchParams[] = []
  const app = await startApp(t, {}, sent)
  const { createHash } = await import('node:crypto')
  const verifiers: string[] = []
  for (const username of ['alice', 'bob']) {
    const browser = new Browser()
    let challenge = ''
    const callback = await callbackUrl(browser, app, username, (q) => { challenge = q.get('code_challenge') as string })
    assert.equal((await browser.fetch(callback)).status, 302)
    const exchange = sent.filter((form) => form.get('grant_type') === 'authorization_code').at(-1)
    const verifier = exchange?.get('code_verifier') as string
    assert.match(verifier, /^[A-Za-z0-9._~-]{43,128}$/)
    assert.equal(createHash('sha256').update(verifier).digest('base64url'), challenge)
    assert.equal(exchange?.get('code'), new URL(callback).searchParams.get('code'))
    verifiers.push(verifier)
  }
  assert.notEqual(verifiers[0], verifiers[1])
})
