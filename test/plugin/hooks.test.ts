import assert from 'node:assert/strict'
import { test } from 'node:test'
import createError from '@fastify/error'
import Fastify from 'fastify'
import cognitoAuth, { type CognitoHooks } from '../../lib/index.js'
import { Browser, json, last, logIn, startApp } from '../helpers/app.js'

const HOST = '127.0.0.1'
const api = { headers: { accept: 'application/json' } }

test('onLogin provisions the user at first login and sends admins to /admin; it sees the identity and the raw tokens', async (t) => {
  const users = new Map<string, string>()
  const seen: Array<{ tokens: string, access: string, email: unknown }> = []
  const onLogin: CognitoHooks['onLogin'] = async (request, _reply, { identity, tokens }) => {
    if (!users.has(identity.sub)) users.set(identity.sub, identity.username)
    seen.push({ tokens: JSON.stringify(tokens), access: tokens.accessToken, email: identity.userInfo.email })
    assert.equal(request.cognito, null, 'request.cognito is not set yet')
    return identity.groups.includes('admin') ? '/admin' : undefined
  }
  const { url } = await startApp(t, { options: { onLogin } })
  const alice = new Browser()
  assert.equal(last(await logIn(alice, url, 'alice')).url, `${url}/admin`)
  assert.equal(seen[0]?.access, alice.cookie(HOST, 'cognito-access-token')?.value)
  assert.equal(seen[0]?.tokens, '"[tokens]"', 'serialised, the tokens show nothing')
  assert.equal(seen[0]?.email, 'alice@example.com')
  // A login that asked for a page, by a user who is no admin, goes there.
  assert.equal(last(await logIn(new Browser(), url, 'carol', '/claims')).url, `${url}/claims`)
  assert.deepEqual([...users.values()], ['alice', 'carol'])
  await logIn(new Browser(), url, 'alice')
  assert.equal(users.size, 2, 'provisioned once')
})

test('onLogin returning a path that is not same-origin is ignored', async (t) => {
  const { url, logs } = await startApp(t, { options: { onLogin: () => '//evil.example' } })
  assert.equal(last(await logIn(new Browser(), url, 'bob')).url, `${url}/`)
  assert.ok(logs.some((l) => l.includes('onLogin returned no same-origin path')))
})

test('a throwing onLogin leaves no session and no usable cookie; the app\'s coded error is answered as it is; a second try works', async (t) => {
  const Banned = createError('APP_BANNED', 'This account is suspended', 451)
  let refuse: Error | undefined = new Error('database down: secret detail')
  const { url } = await startApp(t, { options: { onLogin: () => { if (refuse !== undefined) throw refuse } } })
  for (const [error, status, code] of [[refuse, 403, 'FST_COGNITO_LOGIN_REFUSED'], [new Banned(), 451, 'APP_BANNED']] as const) {
    refuse = error
    const browser = new Browser()
    const hops = await logIn(browser, url, 'alice')
    const callback = hops.find((h) => h.url.startsWith(`${url}/postlogin`))
    assert.equal(callback?.status, status)
    assert.equal(json(callback as never).code, code)
    assert.doesNotMatch(String(callback?.body), /secret detail/)
    assert.ok(!callback?.setCookies.some((c) => /^cognito-access-token=[^;]/.test(c)), 'no token set')
    assert.equal(browser.cookie(HOST, 'cognito-session'), undefined, 'no session, no pending login')
    assert.equal((await browser.fetch(`${url}/claims`, api)).status, 401)
    // The pending login is gone: the same callback again is refused.
    assert.equal(json(await browser.fetch(callback?.url as string, api)).code, 'FST_COGNITO_INVALID_STATE')
  }
  refuse = undefined
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
})

test('onLogout runs once before the session is cleared, with the identity (or null); a throw still logs out', async (t) => {
  const calls: Array<string | null> = []
  let fail = false
  const onLogout: CognitoHooks['onLogout'] = (request, _reply, { identity }) => {
    calls.push(identity?.username ?? null)
    assert.ok(request.headers.cookie?.includes('cognito-session') ?? identity === null, 'cookies still there')
    if (fail) throw new Error('audit store down')
  }
  const { url, logs } = await startApp(t, { options: { onLogout } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  await browser.fetch(`${url}/logout`)
  assert.deepEqual(calls, ['alice'])
  await browser.fetch(`${url}/logout`)
  assert.deepEqual(calls, ['alice', null], 'no valid token: identity null')

  fail = true
  const other = new Browser()
  await logIn(other, url, 'bob')
  const copy = other.cookie(HOST, 'cognito-access-token')?.value as string
  assert.equal((await other.fetch(`${url}/logout`)).status, 302)
  assert.equal((await other.fetch(`${url}/claims`, api)).status, 401)
  const thief = new Browser()
  thief.setCookie(HOST, 'cognito-access-token', copy)
  assert.equal((await thief.fetch(`${url}/claims`, api)).status, 401, 'the login is ended despite the throw')
  assert.ok(logs.some((l) => l.includes('onLogout threw')))
  // A cross-site logout ends nothing, so the hook does not run.
  await logIn(other, url, 'bob')
  await other.fetch(`${url}/logout`, { headers: { 'sec-fetch-site': 'cross-site' } })
  assert.equal(calls.length, 3)
})

test('onRefresh runs once after a refresh, with the renewed identity; a throw is logged and the request goes on', async (t) => {
  const calls: string[] = []
  const { url, logs } = await startApp(t, {
    options: {
      refreshFlow: true,
      cookieMaxAge: 7200,
      onRefresh: (_request, { identity }) => { calls.push(identity.username); throw new Error('metrics down') }
    }
  })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  assert.deepEqual(calls, [])
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(3601_000)
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
  assert.deepEqual(calls, ['alice'])
  assert.ok(logs.some((l) => l.includes('onRefresh threw')))
})

test('a hook that is not a function fails registration naming it', async (t) => {
  const { options } = await startApp(t)
  for (const name of ['onLogin', 'onLogout', 'onRefresh']) {
    const app = Fastify()
    await assert.rejects(async () => { await app.register(cognitoAuth, { ...options, [name]: 'yes' }).ready() }, new RegExp(`Invalid option ${name}: a function is required`))
    await app.close()
  }
})
