import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import cognitoAuth from '../../lib/index.js'
import { Browser, formAction, formValue } from '../helpers/browser.js'
import { json, logIn, startApp } from '../helpers/app.js'

const routes = (a: Parameters<NonNullable<Parameters<typeof startApp>[1]>['routes'] & object>[0]): void => {
  a.get('/sensitive', { preHandler: a.authRequired({ maxAuthAge: 300 }) }, async (request) => ({ ok: request.cognito.username }))
}

test('maxAuthAge: a fresh sign-in passes; an older one is sent to the form (prompt=login) even with a live Hosted UI session, then passes', async (t) => {
  const { url, idp } = await startApp(t, { routes })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  assert.equal((await browser.fetch(`${url}/sensitive`)).status, 200)
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(301_000)
  // Still logged in (the token lives an hour), but the sign-in is too old for this route.
  assert.equal((await browser.fetch(`${url}/claims`)).status, 200)
  const stale = await browser.fetch(`${url}/sensitive`)
  assert.equal(stale.status, 302)
  assert.equal(stale.headers.location, '/login?prompt=login&returnTo=%2Fsensitive')
  const login = await browser.fetch(`${url}${stale.headers.location as string}`)
  assert.equal(new URL(login.headers.location as string).searchParams.get('prompt'), 'login')
  const authorize = await browser.fetch(login.headers.location as string)
  assert.match(String(authorize.headers.location), /^\/login\?/, 'the Hosted UI asks for the password despite its session')
  const form = await browser.fetch(new URL(authorize.headers.location as string, idp.domain).href)
  const back = await browser.fetch(new URL(formAction(form.body), form.url).href, { form: { _csrf: formValue(form.body, '_csrf') ?? '', username: 'alice', password: 'Passw0rd!' } })
  const callback = await browser.fetch(back.headers.location as string)
  assert.equal(callback.headers.location, '/sensitive')
  const fresh = await browser.fetch(`${url}/sensitive`)
  assert.equal(fresh.status, 200)
  assert.equal(json(fresh).ok, 'alice')
})

test('maxAuthAge for API callers: 401 with RFC 9470\'s step-up challenge; tokens without auth_time never pass', async (t) => {
  const { app, idp } = await startApp(t, { routes })
  const now = Math.floor(Date.now() / 1000)
  const fresh = idp.issueTokens({ username: 'alice', clientId: 'testclient' }).access_token
  const payload = JSON.parse(Buffer.from(fresh.split('.')[1] as string, 'base64url').toString())
  const old = idp.sign({ ...payload, auth_time: now - 301 })
  const call = async (token: string): Promise<{ statusCode: number, headers: Record<string, unknown>, json: () => Record<string, unknown> }> =>
    await app.inject({ url: '/sensitive', headers: { authorization: `Bearer ${token}`, accept: 'text/html' } })
  assert.equal((await call(fresh)).statusCode, 200)
  const res = await call(old)
  assert.equal(res.statusCode, 401, 'a bearer caller is never redirected')
  assert.equal(res.headers['www-authenticate'], 'Bearer error="insufficient_user_authentication", error_description="sign-in too old", max_age="300"')
  assert.equal(res.json().code, 'FST_COGNITO_SIGN_IN_TOO_OLD')
  const { auth_time: _dropped, ...noSignIn } = payload
  assert.equal((await call(idp.sign(noSignIn))).statusCode, 401)
  // A machine's token (client_credentials: no username) signed nobody in, whatever its auth_time says.
  const { username: _user, ...machine } = payload
  assert.equal((await call(idp.sign({ ...machine, sub: 'machine', auth_time: now }))).statusCode, 401)
})

test('maxAuthAge must be a whole number of seconds', async (t) => {
  const { options } = await startApp(t)
  const app = Fastify()
  await app.register(cognitoAuth, options)
  for (const bad of [-1, 1.5, '300']) assert.throws(() => app.authRequired({ maxAuthAge: bad as number }), /Invalid option authRequired.maxAuthAge/)
  await app.close()
})
