import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { MockAgent } from 'undici'
import { CognitoVerifier, TokenRejected } from '../../lib/verifier.js'

/** Tokens a real Cognito pool issued in 2022, with its JWKS: the verifier must accept them as they are. */
const sample = JSON.parse(readFileSync(new URL('../../../test/fixtures/real-pool-2022.json', import.meta.url), 'utf8'))

function verifierFor (leeway: number, agent = new MockAgent()): CognitoVerifier {
  agent.disableNetConnect()
  agent.get('https://cognito-idp.eu-west-1.amazonaws.com')
    .intercept({ path: `/${sample.userPoolId}/.well-known/jwks.json`, method: 'GET' })
    .reply(200, sample.jwks, { headers: { 'content-type': 'application/json' } })
  return new CognitoVerifier({
    issuer: sample.issuer,
    clientId: sample.clientId,
    jwksUri: new URL(`${sample.issuer}/.well-known/jwks.json`),
    leeway,
    timeout: 1000,
    dispatcher: agent
  })
}

const sinceExpiry = (): number => Math.floor(Date.now() / 1000) - sample.validUntil + 60

test('the real access and ID tokens verify, JWKS served through the dispatcher, with a leeway past their expiry', async () => {
  const verifier = verifierFor(sinceExpiry())
  const access = await verifier.verifyAccessToken(sample.accessToken)
  assert.equal(access.username, 'mblack')
  assert.deepEqual(access['cognito:groups'], ['admin'])
  const id = await verifier.verifyIdToken(sample.idToken, sample.nonce, sample.accessToken)
  assert.equal(id.email, 'mblack@sparkgeo.com')
  assert.equal(id.sub, access.sub)
})

test('the real tokens are refused once expired, with the wrong nonce, or swapped', async () => {
  await assert.rejects(verifierFor(0).verifyAccessToken(sample.accessToken), TokenRejected)
  const lenient = verifierFor(sinceExpiry())
  await assert.rejects(lenient.verifyIdToken(sample.idToken, 'other-nonce', sample.accessToken), /nonce/)
  await assert.rejects(lenient.verifyAccessToken(sample.idToken), /token_use/)
  await assert.rejects(lenient.verifyIdToken(sample.accessToken, sample.nonce, sample.accessToken), /token_use/)
  await assert.rejects(lenient.verifyIdToken(sample.idToken, sample.nonce, 'another.access.token'), /at_hash/)
})
