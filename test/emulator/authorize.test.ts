import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startCognitoEmulator, type CognitoEmulator } from '../../lib/testing/index.js'
import { formAction, formValue } from '../helpers/browser.js'
import { authorizeUrl, Browser, codeOf, pkcePair, signIn } from '../helpers/hosted-ui.js'

async function emulator (t: { after: (fn: () => Promise<void>) => void }, options = {}): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator(options)
  t.after(() => idp.close())
  return idp
}

const CALLBACK = 'http://localhost:5000/postlogin'
const locationOf = (hop: { headers: Record<string, unknown> }): URL => new URL(String(hop.headers.location))

test('authorize leads to a real sign-in form; success redirects to the callback with a code and the state', async (t) => {
  const idp = await emulator(t)
  const browser = new Browser()
  const first = await browser.fetch(authorizeUrl(idp, { ...pkceParams() }))
  assert.equal(first.status, 302)
  assert.match(String(first.headers.location), /^\/login\?/)
  const form = await browser.fetch(new URL(String(first.headers.location), idp.domain).href)
  assert.equal(form.status, 200)
  assert.match(String(form.headers['content-type']), /text\/html/)
  assert.match(form.body, /<form method="post"/)
  assert.match(form.body, /name="username"/)
  assert.match(form.body, /name="password" type="password"/)
  assert.ok((formValue(form.body, '_csrf') ?? '').length > 10)
  const back = await browser.fetch(new URL(formAction(form.body), idp.domain).href, {
    form: { _csrf: formValue(form.body, '_csrf') as string, username: 'alice', password: 'Passw0rd!' }
  })
  assert.equal(back.status, 302)
  const location = locationOf(back)
  assert.equal(`${location.origin}${location.pathname}`, CALLBACK)
  assert.equal(location.searchParams.get('state'), 'state-123')
  assert.match(location.searchParams.get('code') ?? '', /^[0-9a-f-]{36}$/)
  const session = back.setCookies.find((c) => c.startsWith('cognito='))
  assert.match(session ?? '', /Max-Age=3600; HttpOnly; SameSite=Lax/)
})

test('a wrong password shows the error on the form, keeps the username, and issues no code', async (t) => {
  const idp = await emulator(t)
  const hop = await signIn(new Browser(), authorizeUrl(idp), 'alice', 'wrong')
  assert.equal(hop.status, 200)
  assert.match(hop.body, /Incorrect username or password\./)
  assert.equal(formValue(hop.body, 'username'), 'alice')
  const unknown = await signIn(new Browser(), authorizeUrl(idp), 'mallory', 'Passw0rd!')
  assert.match(unknown.body, /Incorrect username or password\./)
  // As many characters as the real password, but not as many bytes: still just a wrong password.
  const accented = await signIn(new Browser(), authorizeUrl(idp), 'alice', 'Pässw0rd!')
  assert.equal(accented.status, 200)
  assert.match(accented.body, /Incorrect username or password\./)
})

test('the form refuses a post without the CSRF cookie and token', async (t) => {
  const idp = await emulator(t)
  const res = await new Browser().fetch(`${idp.domain}/login?${new URL(authorizeUrl(idp)).searchParams}`, {
    form: { _csrf: 'forged', username: 'alice', password: 'Passw0rd!' }
  })
  assert.equal(res.status, 400)
  assert.equal(res.headers.location, undefined)
  assert.match(res.body, /error=invalid_request/)
})

test('an unregistered redirect_uri gets an error page with redirect_mismatch and no redirect', async (t) => {
  const idp = await emulator(t)
  for (const redirectUri of ['https://evil.example/cb', `${CALLBACK}/`, `${CALLBACK}?x=1`, 'http://LOCALHOST:5000/postlogin', undefined]) {
    const res = await new Browser().fetch(authorizeUrl(idp, { redirect_uri: redirectUri }))
    assert.equal(res.status, 400, String(redirectUri))
    assert.equal(res.headers.location, undefined)
    assert.match(res.body, /error=redirect_mismatch/)
  }
})

test('a missing or unknown client_id gets an error page, never a redirect', async (t) => {
  const idp = await emulator(t)
  for (const clientId of ['unknown', undefined]) {
    const res = await new Browser().fetch(authorizeUrl(idp, { client_id: clientId }))
    assert.equal(res.status, 400)
    assert.equal(res.headers.location, undefined)
    assert.match(res.body, /error=invalid_request/)
  }
})

test('protocol errors go back to the redirect_uri as error and error_description, with the state', async (t) => {
  const idp = await emulator(t)
  const cases: Array<[Record<string, string | undefined>, string]> = [
    [{ response_type: undefined }, 'invalid_request'],
    [{ response_type: 'id_token' }, 'unsupported_response_type'],
    [{ response_type: 'token' }, 'unauthorized_client'],
    [{ scope: 'openid admin:all' }, 'invalid_scope'],
    [{ code_challenge: pkcePair().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: pkcePair().challenge }, 'invalid_request'],
    [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    [{ code_challenge_method: 'S256' }, 'invalid_request'],
    [{ identity_provider: 'Google' }, 'invalid_request'],
    [{ idp_identifier: 'example.com' }, 'invalid_request'],
    [{ prompt: 'sometimes' }, 'invalid_request']
  ]
  for (const [params, error] of cases) {
    const res = await new Browser().fetch(authorizeUrl(idp, params))
    assert.equal(res.status, 302, JSON.stringify(params))
    const location = locationOf(res)
    assert.equal(`${location.origin}${location.pathname}`, CALLBACK)
    assert.equal(location.searchParams.get('error'), error, JSON.stringify(params))
    assert.ok((location.searchParams.get('error_description') ?? '').length > 0)
    assert.equal(location.searchParams.get('state'), 'state-123')
    assert.equal(location.searchParams.get('code'), null)
  }
})

test('lang, login_hint, identity_provider and idp_identifier shape the form as Cognito does', async (t) => {
  const idp = await emulator(t, {
    clients: [{ clientId: 'fed', clientSecret: 's'.repeat(40), callbackUrls: [CALLBACK], logoutUrls: [], identityProviders: ['COGNITO', 'Okta'] }]
  })
  const formFor = async (params: Record<string, string>): Promise<string> => {
    const browser = new Browser()
    const first = await browser.fetch(authorizeUrl(idp, params))
    return (await browser.fetch(new URL(String(first.headers.location), idp.domain).href)).body
  }
  const french = await formFor({ lang: 'fr', login_hint: 'bob@example.com' })
  assert.match(french, /<html lang="fr">/)
  assert.equal(formValue(french, 'username'), 'bob@example.com')
  assert.match(await formFor({ lang: 'xx' }), /<html lang="en">/)
  assert.match(await formFor({ identity_provider: 'Okta' }), /Sign in with Okta/)
  assert.match(await formFor({ idp_identifier: 'okta' }), /Sign in with Okta/)
  assert.match(await formFor({ identity_provider: 'COGNITO' }), /Sign in with your username and password/)
})

test('the hosted-UI session skips the form on a second authorize; prompt=login forces it; prompt=none needs it', async (t) => {
  const idp = await emulator(t)
  const browser = new Browser()
  const none = await browser.fetch(authorizeUrl(idp, { prompt: 'none' }))
  assert.equal(locationOf(none).searchParams.get('error'), 'login_required')
  assert.equal((await signIn(browser, authorizeUrl(idp))).status, 302)
  const again = await browser.fetch(authorizeUrl(idp, { state: 'second' }))
  assert.equal(again.status, 302)
  assert.equal(locationOf(again).searchParams.get('state'), 'second')
  assert.ok(codeOf(again).length > 0)
  const silent = await browser.fetch(authorizeUrl(idp, { prompt: 'none' }))
  assert.ok(codeOf(silent).length > 0)
  const forced = await browser.fetch(authorizeUrl(idp, { prompt: 'login' }))
  assert.match(String(forced.headers.location), /^\/login\?/)
})

test('the hosted-UI session lasts sessionTtl seconds of the pool clock', async (t) => {
  const idp = await emulator(t, { sessionTtl: 60 })
  const browser = new Browser()
  await signIn(browser, authorizeUrl(idp))
  idp.setClockOffset(61)
  const later = await browser.fetch(authorizeUrl(idp))
  assert.match(String(later.headers.location), /^\/login\?/)
})

test('/error renders the error it is given', async (t) => {
  const idp = await emulator(t)
  const res = await new Browser().fetch(`${idp.domain}/error?error=redirect_mismatch&client_id=x`)
  assert.equal(res.status, 400)
  assert.match(res.body, /error=redirect_mismatch/)
})

function pkceParams (): Record<string, string> {
  return { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }
}

test('the sign-in form validates its query like authorize, and tolerates missing fields', async (t) => {
  const idp = await emulator(t)
  const browser = new Browser()
  const badQuery = new URL(authorizeUrl(idp, { redirect_uri: 'https://evil.example/' })).search
  assert.match((await browser.fetch(`${idp.domain}/login${badQuery}`)).body, /error=redirect_mismatch/)
  const posted = await browser.fetch(`${idp.domain}/login${badQuery}`, { form: { username: 'alice', password: 'Passw0rd!' } })
  assert.equal(posted.status, 400)
  assert.equal(posted.headers.location, undefined)
  const scopeless = new URL(authorizeUrl(idp, { scope: 'bad' })).search
  assert.equal((await browser.fetch(`${idp.domain}/login${scopeless}`)).status, 302)
  const form = await browser.fetch(`${idp.domain}/login${new URL(authorizeUrl(idp)).search}`)
  const empty = await browser.fetch(new URL(formAction(form.body), idp.domain).href, { form: { _csrf: formValue(form.body, '_csrf') as string } })
  assert.equal(empty.status, 200)
  assert.match(empty.body, /Incorrect username or password\./)
})
