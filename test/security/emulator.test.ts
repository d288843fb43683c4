import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { request } from 'undici'
import type { CognitoEmulator } from '../../lib/testing/index.js'
import { formAction, formValue } from '../helpers/browser.js'
import { authorizeUrl, Browser, codeOf, PASSWORD, signIn } from '../helpers/hosted-ui.js'
import { emulator } from '../emulator/oauth.js'

/** A raw HTTP/1.1 exchange, for Host headers an HTTP client would not send. */
async function raw (idp: CognitoEmulator, head: string): Promise<string> {
  const { port } = new URL(idp.url)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${head}Connection: close\r\n\r\n`))
    let answer = ''
    socket.on('data', (chunk) => { answer += chunk.toString() })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

test('DNS rebinding: a Host the pool does not answer for gets 421 and nothing of the pool', async (t) => {
  const idp = await emulator(t)
  const jwks = `/${idp.userPoolId}/.well-known/jwks.json`
  for (const host of ['bad host', 'rebound.example', `rebound.example:${new URL(idp.url).port}`, 'localhost.evil.example', '127.0.0.1.nip.io', 'cognito-idp.us-east-1.amazonaws.com']) {
    const answer = await raw(idp, `GET ${jwks} HTTP/1.1\r\nHost: ${host}\r\n`)
    assert.match(answer, /^HTTP\/1\.1 421/, host)
    assert.doesNotMatch(answer, /"keys"/, host)
    const form = await raw(idp, `GET /login${new URL(authorizeUrl(idp)).search} HTTP/1.1\r\nHost: ${host}\r\n`)
    assert.match(form, /^HTTP\/1\.1 421/, host)
    assert.doesNotMatch(form, /_csrf/)
  }
  assert.match(await raw(idp, `GET ${jwks} HTTP/1.0\r\n`), /^HTTP\/1\.1 421/)
  assert.equal(idp.stats.jwksRequests, 0)
  for (const host of ['127.0.0.1', 'localhost', `localhost:${new URL(idp.url).port}`, '[::1]', '127.0.0.2']) {
    assert.match(await raw(idp, `GET ${jwks} HTTP/1.1\r\nHost: ${host}\r\n`), /^HTTP\/1\.1 200/, host)
  }
  // The pool's configured Cognito hosts are answered too, when it has them.
  const aws = await emulator(t, { hosts: 'aws' })
  assert.match(await raw(aws, `GET /${aws.userPoolId}/.well-known/jwks.json HTTP/1.1\r\nHost: cognito-idp.us-east-1.amazonaws.com\r\n`), /^HTTP\/1\.1 200/)
})

/** Opens the sign-in form for an authorize URL; returns the form's post URL and its CSRF token. */
async function openForm (browser: Browser, href: string): Promise<{ action: string, csrf: string }> {
  const first = await browser.fetch(href)
  const form = await browser.fetch(new URL(String(first.headers.location), href).href)
  return { action: new URL(formAction(form.body), form.url).href, csrf: formValue(form.body, '_csrf') ?? '' }
}

test('login CSRF: an XSRF-TOKEN cookie planted from another loopback port, with a matching _csrf, signs no one in', async (t) => {
  const idp = await emulator(t)
  const victim = new Browser()
  // Cookies are not isolated by port: a page on 127.0.0.1:other can set this one for the emulator.
  victim.setCookie('127.0.0.1', 'XSRF-TOKEN', 'planted-by-another-port')
  const action = `${idp.url}/login${new URL(authorizeUrl(idp)).search}`
  const res = await victim.fetch(action, { form: { _csrf: 'planted-by-another-port', username: 'bob', password: PASSWORD } })
  assert.equal(res.status, 400)
  assert.equal(res.headers.location, undefined)
  assert.match(res.body, /error=invalid_request/)
  assert.equal(idp.stored.codes, 0)
  assert.equal(idp.stored.sessions, 0)
})

test('login CSRF: a token the pool served is good once, only for its own form, and only from the pool\'s own origin', async (t) => {
  const idp = await emulator(t)
  const attacker = new Browser()
  const theirs = await openForm(attacker, authorizeUrl(idp, { state: 'attacker' }))
  const victim = new Browser()
  victim.setCookie('127.0.0.1', 'XSRF-TOKEN', theirs.csrf)
  const credentials = { username: 'bob', password: PASSWORD }
  const otherForm = `${idp.url}/login${new URL(authorizeUrl(idp, { state: 'victim' })).search}`
  assert.equal((await victim.fetch(otherForm, { form: { _csrf: theirs.csrf, ...credentials } })).status, 400)

  const otherPort = `http://127.0.0.1:${Number(new URL(idp.url).port) + 1}`
  for (const origin of [otherPort, 'null', 'http://rebound.example']) {
    const mine = await openForm(victim, authorizeUrl(idp))
    const crossSite = await victim.fetch(mine.action, { form: { _csrf: mine.csrf, ...credentials }, headers: { origin } })
    assert.equal(crossSite.status, 400, origin)
  }
  const fresh = await openForm(victim, authorizeUrl(idp))
  const ok = await victim.fetch(fresh.action, { form: { _csrf: fresh.csrf, ...credentials }, headers: { origin: idp.url } })
  assert.equal(ok.status, 302)
  assert.ok(codeOf(ok).length > 0)
  assert.equal((await victim.fetch(fresh.action, { form: { _csrf: fresh.csrf, ...credentials } })).status, 400)
})

test('codes, hosted-UI sessions, sign-in forms, refresh tokens and rotated-out tokens are purged at expiry', async (t) => {
  const idp = await emulator(t, {
    refreshTokenTtl: 7200,
    clients: [{ clientId: 'app', clientSecret: 's'.repeat(40), callbackUrls: ['http://localhost:5000/postlogin'], logoutUrls: [], refreshTokenRotation: true, retryGracePeriodSeconds: 60 }]
  })
  const browser = new Browser()
  await signIn(browser, authorizeUrl(idp))
  await openForm(new Browser(), authorizeUrl(idp))
  const refresh = idp.issueTokens({ username: 'alice' }).refresh_token as string
  const rotated = await request(`${idp.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`app:${'s'.repeat(40)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh }).toString()
  })
  assert.equal(rotated.statusCode, 200)
  await rotated.body.dump()
  assert.deepEqual(idp.stored, { codes: 1, sessions: 1, refreshTokens: 2, signInForms: 1 })
  const ping = async (): Promise<void> => { await (await request(idp.jwksUri)).body.dump() }

  idp.setClockOffset(301) // codes (5 minutes) and the rotated-out token (60 s) are past their time
  await ping()
  assert.deepEqual(idp.stored, { codes: 0, sessions: 1, refreshTokens: 1, signInForms: 1 })
  idp.setClockOffset(3601) // the hosted-UI session and its forms (1 hour)
  await ping()
  assert.deepEqual(idp.stored, { codes: 0, sessions: 0, refreshTokens: 1, signInForms: 0 })
  idp.setClockOffset(7201) // the login's refresh token
  await ping()
  assert.deepEqual(idp.stored, { codes: 0, sessions: 0, refreshTokens: 0, signInForms: 0 })
})
