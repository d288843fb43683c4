import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertFailed, diagnose, pool } from './setup.js'

const WRONG = 'a-wrong-client-secret-0123456789abcdefghijklmnopqrsT'

test('secret: a wrong client secret is invalid_client; only its last 4 characters are shown', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_USER_POOL_CLIENT_SECRET: WRONG } })
  assertFailed(report, ['secret'])
  assert.equal(report.check('secret').detail, 'Cognito refused the client secret …qrsT for app client doctorclient (invalid_client)')
  const text = JSON.stringify(report)
  assert.equal(text.includes(WRONG.slice(0, -4)), false)
  assert.equal(text.includes(env.SECRET_KEY as string), false)
})

test('secret: a public client configured with a secret', async (t) => {
  const { env } = await pool(t, { clientSecret: undefined })
  const report = await diagnose({ env: { ...env, AWS_COGNITO_USER_POOL_CLIENT_SECRET: WRONG } })
  assertFailed(report, ['secret'])
  assert.equal(report.check('secret').detail, 'app client doctorclient is public (it has no secret), but a client secret (…qrsT) is set (Cognito: invalid_client)')
  assert.equal(report.check('secret').fix, 'unset AWS_COGNITO_USER_POOL_CLIENT_SECRET')
  const right = await diagnose({ env })
  assert.equal(right.ok, true)
  assert.equal(right.check('secret').detail, 'the token endpoint accepts app client doctorclient as a public client (no secret)')
})

test('secret: a confidential client configured as public', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_USER_POOL_CLIENT_SECRET: undefined } })
  assertFailed(report, ['secret'])
  assert.equal(report.check('secret').detail, 'app client doctorclient has a client secret, but none is set (Cognito: invalid_client)')
})

test('secret: a client without the authorization code grant, and a token endpoint that answers oddly', async (t) => {
  const { env, idp } = await pool(t)
  idp.setTokenFault({ status: 400, body: '{"error":"unauthorized_client"}', times: 1 })
  const refused = await diagnose({ env })
  assertFailed(refused, ['secret'])
  assert.match(refused.check('secret').detail, /may not use the authorization code grant \(Cognito: unauthorized_client\)$/)

  idp.setTokenFault({ status: 500, times: 1 })
  const broken = await diagnose({ env })
  assertFailed(broken, ['secret'])
  assert.equal(broken.check('secret').detail, 'the token endpoint did not answer as Cognito does: Cognito answered with an error: token endpoint status 500 server_error')

  idp.setTokenFault({ status: 200, body: '{"access_token":"x","token_type":"Bearer","expires_in":3600}', times: 1 })
  const lax = await diagnose({ env })
  assertFailed(lax, ['secret'])
  assert.equal(lax.check('secret').detail, 'the token endpoint did not answer as Cognito does: the token endpoint accepted a made-up code')
})

test('secret: a short secret shows none of its characters', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_USER_POOL_CLIENT_SECRET: 'tiny-secret' } })
  assertFailed(report, ['secret'])
  assert.equal(report.check('secret').detail, 'Cognito refused the client secret … for app client doctorclient (invalid_client)')
})
