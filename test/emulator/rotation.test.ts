import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorClient } from '../../lib/testing/index.js'
import { basic, emulator, postForm, type Answer } from './oauth.js'

const SECRET = 'rotating-client-secret-0123456789abcdefghij'
const rotating = (clientId: string, more: Partial<EmulatorClient> = {}): EmulatorClient =>
  ({ clientId, clientSecret: SECRET, callbackUrls: [], logoutUrls: [], refreshTokenRotation: true, ...more })
const clients = [rotating('graceful', { retryGracePeriodSeconds: 30 }), rotating('strict')]

const refresh = async (idp: CognitoEmulator, clientId: string, token: string): Promise<Answer> =>
  await postForm(idp, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic(clientId, SECRET) })

test('a rotated refresh token keeps the first one\'s absolute expiry: the login does not slide', async (t) => {
  const idp = await emulator(t, { clients, refreshTokenTtl: 3600 })
  const first = idp.issueTokens({ username: 'alice', clientId: 'strict' }).refresh_token as string
  idp.setClockOffset(3000)
  const rotated = await refresh(idp, 'strict', first)
  assert.equal(rotated.status, 200)
  const second = rotated.body.refresh_token as string
  assert.notEqual(second, first)
  idp.setClockOffset(3590) // a margin for the real clock ticking during the test
  const third = await refresh(idp, 'strict', second)
  assert.equal(third.status, 200)
  idp.setClockOffset(3600)
  assert.deepEqual((await refresh(idp, 'strict', third.body.refresh_token as string)).body, { error: 'invalid_grant', error_description: 'Invalid Refresh Token' })
})

test('the rotated-out token still works for retryGracePeriodSeconds, then not; the new one lives on', async (t) => {
  const idp = await emulator(t, { clients })
  const old = idp.issueTokens({ username: 'alice', clientId: 'graceful' }).refresh_token as string
  const fresh = (await refresh(idp, 'graceful', old)).body.refresh_token as string
  idp.setClockOffset(25)
  const retry = await refresh(idp, 'graceful', old)
  assert.equal(retry.status, 200)
  assert.equal(typeof retry.body.refresh_token, 'string')
  idp.setClockOffset(30)
  assert.equal((await refresh(idp, 'graceful', old)).body.error, 'invalid_grant')
  assert.equal((await refresh(idp, 'graceful', fresh)).status, 200)
})

test('with no grace period (the default) the rotated-out token dies at once', async (t) => {
  const idp = await emulator(t, { clients })
  const old = idp.issueTokens({ username: 'alice', clientId: 'strict' }).refresh_token as string
  assert.equal((await refresh(idp, 'strict', old)).status, 200)
  assert.equal((await refresh(idp, 'strict', old)).body.error, 'invalid_grant')
})

test('revoking the newest token of a rotation chain ends the grace-period one too', async (t) => {
  const idp = await emulator(t, { clients })
  const old = idp.issueTokens({ username: 'alice', clientId: 'graceful' }).refresh_token as string
  const fresh = (await refresh(idp, 'graceful', old)).body.refresh_token as string
  assert.equal((await postForm(idp, '/oauth2/revoke', { token: fresh }, { authorization: basic('graceful', SECRET) })).status, 200)
  assert.equal((await refresh(idp, 'graceful', old)).body.error, 'invalid_grant')
  assert.equal((await refresh(idp, 'graceful', fresh)).body.error, 'invalid_grant')
})

test('a grace period outside Cognito\'s 0 to 60 seconds is refused at start', async () => {
  for (const retryGracePeriodSeconds of [-1, 61, 1.5]) {
    await assert.rejects(startCognitoEmulator({ clients: [rotating('bad', { retryGracePeriodSeconds })] }), /retryGracePeriodSeconds must be 0 to 60/)
  }
})
