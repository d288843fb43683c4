import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, logIn, startApp } from '../helpers/app.js'

const api = { headers: { accept: 'application/json' } }

test('app.cognito.endSessions(sub) without redis: every login of the user that began by then is refused here (cookies, bearer tokens, refreshes); later logins and other users go on', async (t) => {
  const { app, url, idp } = await startApp(t, { options: { refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  const bearer = { headers: { authorization: `Bearer ${idp.issueTokens({ username: 'alice' }).access_token}` } }
  const bob = { headers: { authorization: `Bearer ${idp.issueTokens({ username: 'bob' }).access_token}` } }
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
  const sub = idp.users.find((u) => u.username === 'alice')?.sub as string

  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  await app.cognito.endSessions(sub)
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 401)
  assert.equal((await fetch(`${url}/claims`, bearer)).status, 401)
  assert.equal((await fetch(`${url}/claims`, bob)).status, 200)
  // An hour on, the access token has expired: the refresh cookie must not revive the login either.
  t.mock.timers.tick(3601_000)
  const tokenRequests = idp.stats.tokenRequests
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 401)
  assert.equal(idp.stats.tokenRequests, tokenRequests + 1, 'the refresh happened, its result was refused')

  const again = new Browser()
  await logIn(again, url, 'alice')
  assert.equal((await again.fetch(`${url}/claims`, api)).status, 200, 'a login after the end works')
})

test('revocationCheck without redis: a cached token is checked against userInfo at most once per interval, and refused once Cognito revoked it', async (t) => {
  const { url, idp } = await startApp(t, { options: { revocationCheck: 1 } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  const before = idp.stats.userInfoRequests
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
  assert.equal(idp.stats.userInfoRequests, before + 1, 'checked on first use')
  idp.globalSignOut('alice')
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200, 'within the interval the cached answer stands')
  assert.equal(idp.stats.userInfoRequests, before + 1)
  t.mock.timers.tick(1000)
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 401)
  assert.equal(idp.stats.userInfoRequests, before + 2)
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 401, 'and stays refused')
})

test('revocationCheck while Cognito is unreachable: the cached token is kept (an outage logs nobody out)', async (t) => {
  const { url, idp } = await startApp(t, { options: { revocationCheck: 1 } })
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
  await idp.close()
  t.mock.timers.tick(1000)
  assert.equal((await browser.fetch(`${url}/claims`, api)).status, 200)
})
