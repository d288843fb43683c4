import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { EmulatorClient } from '../../lib/testing/index.js'
import { basic, claimsOf, emulator, postForm } from './oauth.js'

const SECRET = 'revoke-client-secret-0123456789abcdefghij'
const app: EmulatorClient = { clientId: 'app', clientSecret: SECRET, callbackUrls: [], logoutUrls: [] }
const legacy: EmulatorClient = { ...app, clientId: 'legacy', enableTokenRevocation: false }
const auth = (clientId = 'app'): Record<string, string> => ({ authorization: basic(clientId, SECRET) })

test('revoking an access or ID token is 400 unsupported_token_type and ends nothing', async (t) => {
  const idp = await emulator(t, { clients: [app] })
  const tokens = idp.issueTokens({ username: 'alice' })
  for (const token of [tokens.access_token, tokens.id_token as string]) {
    const res = await postForm(idp, '/oauth2/revoke', { token }, auth())
    assert.equal(res.status, 400)
    assert.equal(res.body.error, 'unsupported_token_type')
  }
  const refreshed = await postForm(idp, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, auth())
  assert.equal(refreshed.status, 200)
})

test('bad client credentials at revoke are 401 invalid_client (the token endpoint says 400)', async (t) => {
  const idp = await emulator(t, { clients: [app] })
  const token = idp.issueTokens({ username: 'alice' }).refresh_token as string
  for (const headers of [{ authorization: basic('app', 'wrong') }, { authorization: basic('nobody', SECRET) }, {}] as Array<Record<string, string>>) {
    const res = await postForm(idp, '/oauth2/revoke', { token }, headers)
    assert.equal(res.status, 401)
    assert.deepEqual(res.body, { error: 'invalid_client' })
  }
  assert.equal((await postForm(idp, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('app', 'wrong') })).status, 400)
})

test('a client with token revocation disabled: revoke is 400 invalid_request, and its tokens carry no jti or origin_jti', async (t) => {
  const idp = await emulator(t, { clients: [legacy, app] })
  const tokens = idp.issueTokens({ username: 'alice', clientId: 'legacy' })
  const res = await postForm(idp, '/oauth2/revoke', { token: tokens.refresh_token as string }, auth('legacy'))
  assert.equal(res.status, 400)
  assert.equal(res.body.error, 'invalid_request')
  for (const jwt of [tokens.access_token, tokens.id_token as string]) {
    const claims = claimsOf(jwt)
    assert.equal(claims.jti, undefined)
    assert.equal(claims.origin_jti, undefined)
    assert.equal(typeof claims.event_id, 'string')
  }
  const enabled = claimsOf(idp.issueTokens({ username: 'alice', clientId: 'app' }).access_token)
  assert.equal(typeof enabled.jti, 'string')
  assert.equal(typeof enabled.origin_jti, 'string')
})
