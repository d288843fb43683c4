import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EndedLogins } from '../../lib/ended-logins.js'
import { loginIdOf } from '../../lib/login-id.js'
import { Refresher } from '../../lib/refresh.js'
import type { TokenClient } from '../../lib/token-client.js'
import type { CognitoVerifier } from '../../lib/verifier.js'

test('ended logins keep when they ended until their time, expired ones purged first, and the bound reported when a live one goes', () => {
  const ended = new EndedLogins(2)
  assert.ok(ended.end('login:a', 5000, 100, 0))
  assert.equal(ended.endedAt('login:a', 50), 5000)
  assert.equal(ended.endedAt('login:b', 50), undefined)
  assert.ok(ended.end('login:b', 5000, 10, 0))
  // Full, but login:b has expired by now: it is purged and nothing live is dropped.
  assert.ok(ended.end('login:c', 6000, 100, 20))
  assert.ok(ended.endedAt('login:a', 20) !== undefined && ended.endedAt('login:c', 20) !== undefined)
  // Full of live entries: the oldest goes, and end says so.
  assert.equal(ended.end('login:d', 7000, 100, 20), false)
  assert.equal(ended.endedAt('login:a', 20), undefined)
  assert.equal(ended.size, 2)
  // Ending a key again keeps the later end and the longer life.
  ended.end('login:c', 8000, 50, 20)
  assert.equal(ended.endedAt('login:c', 99), 8000)
  assert.equal(ended.endedAt('login:c', 101), undefined, 'past its time the entry is gone')
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

test('a login id is origin_jti, else the user and the sign-in time (else the issue time)', () => {
  assert.equal(loginIdOf({ sub: 's', origin_jti: 'o', auth_time: 1, iat: 2 }), 'o')
  assert.equal(loginIdOf({ sub: 's', auth_time: 1, iat: 2 }), 's@1')
  assert.equal(loginIdOf({ sub: 's', iat: 2 }), 's@2')
})
