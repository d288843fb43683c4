import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LoggedOutLogins } from '../../lib/logged-out.js'
import { Refresher } from '../../lib/refresh.js'
import type { TokenClient } from '../../lib/token-client.js'
import type { CognitoVerifier } from '../../lib/verifier.js'

test('logged-out logins are keyed by origin_jti (else jti), kept until exp, and bounded', () => {
  const ended = new LoggedOutLogins(2)
  ended.add({ origin_jti: 'login-a', jti: 'token-1', exp: 100 })
  assert.ok(ended.has({ origin_jti: 'login-a', jti: 'token-2' }, 50), 'a refreshed token of the same login')
  assert.ok(!ended.has({ origin_jti: 'login-b' }, 50))
  ended.add({ jti: 'm2m-token', exp: 100 })
  assert.ok(ended.has({ jti: 'm2m-token' }, 50))
  ended.add({ exp: 100 })
  assert.ok(!ended.has({}, 50), 'nothing to key by, nothing ended')
  assert.equal(ended.size, 2)
  ended.add({ origin_jti: 'login-c', exp: 100 })
  assert.equal(ended.size, 2)
  assert.ok(!ended.has({ origin_jti: 'login-a' }, 50), 'the oldest went first')
  assert.ok(!ended.has({ jti: 'm2m-token' }, 101), 'past exp the entry is gone')
  assert.equal(ended.size, 1)
})

test('the refresher shares one call per refresh token, retries after a failure, and stays bounded', async () => {
  const calls: string[] = []
  let fail = false
  const tokenClient = {
    refresh: async (token: string) => {
      calls.push(token)
      if (fail) throw new Error('down')
      return { access_token: `access-for-${token}`, expires_in: 3600, token_type: 'Bearer' }
    }
  } as unknown as TokenClient
  const verifier = { verifyTokenSet: async () => ({ claims: { sub: 's' } }) } as unknown as CognitoVerifier
  const refresher = new Refresher(tokenClient, verifier, new Set(['c']))
  const [a, b] = await Promise.all([refresher.refresh('r1'), refresher.refresh('r1')])
  assert.equal(a, b)
  assert.deepEqual(calls, ['r1'])
  fail = true
  await assert.rejects(refresher.refresh('r2'), /down/)
  fail = false
  assert.equal((await refresher.refresh('r2')).tokens.access_token, 'access-for-r2')
  assert.deepEqual(calls, ['r1', 'r2', 'r2'])
  for (let i = 0; i < 1000; i++) await refresher.refresh(`many-${i}`)
  // r1 was evicted by the 1000 newer entries, so it is asked again.
  await refresher.refresh('r1')
  assert.equal(calls.filter((c) => c === 'r1').length, 2)
})
