import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CognitoEmulator, EmulatorClient } from '../../lib/testing/index.js'
import { basic, emulator, postForm } from './oauth.js'

const SECRET = 'signout-client-secret-0123456789abcdefghij'
const app: EmulatorClient = { clientId: 'app', clientSecret: SECRET, callbackUrls: [], logoutUrls: [] }

async function userInfo (idp: CognitoEmulator, token: string): Promise<{ status: number, wwwAuthenticate: string | null }> {
  const res = await fetch(`${idp.domain}/oauth2/userInfo`, { headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate') }
}

test('globalSignOut revokes every token of the user: userInfo answers 401, refresh tokens are invalid_grant; others and later logins are untouched', async (t) => {
  const idp = await emulator(t, { clients: [app] })
  const first = idp.issueTokens({ username: 'alice' })
  const second = idp.issueTokens({ username: 'alice' })
  const bob = idp.issueTokens({ username: 'bob' })
  assert.equal((await userInfo(idp, first.access_token)).status, 200)

  idp.globalSignOut('alice')
  for (const tokens of [first, second]) {
    const answer = await userInfo(idp, tokens.access_token)
    assert.equal(answer.status, 401)
    assert.match(answer.wwwAuthenticate ?? '', /invalid_token/)
    const refreshed = await postForm(idp, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, { authorization: basic('app', SECRET) })
    assert.equal(refreshed.status, 400)
    assert.equal(refreshed.body.error, 'invalid_grant')
  }
  assert.equal((await userInfo(idp, bob.access_token)).status, 200, 'another user keeps their tokens')

  // A sign-in after the sign-out (a second later) is a new login with working tokens.
  idp.setClockOffset(1)
  const later = idp.issueTokens({ username: 'alice' })
  assert.equal((await userInfo(idp, later.access_token)).status, 200)
  assert.throws(() => { idp.globalSignOut('nobody') }, /unknown user/)
})
