import assert from 'node:assert/strict'
import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto'
import { test } from 'node:test'
import { MockAgent, request } from 'undici'
import { CognitoVerifier } from '../../lib/verifier.js'
import type { TestApp } from '../helpers/app.js'
import { auditedApp, issue, remember } from './audit.js'

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const now = (): number => Math.floor(Date.now() / 1000)
const payloadOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString())
const headerOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString())

/** Status of a protected route called with `token` as a bearer token. */
async function statusWith ({ app }: TestApp, token: string): Promise<number> {
  remember(token)
  return (await app.inject({ url: '/claims', headers: { authorization: `Bearer ${token}` } })).statusCode
}

/** A valid access token's claims, to forge variants of. */
const accessClaims = (app: TestApp): Record<string, unknown> => payloadOf(issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token)

function verifierFor (app: TestApp, leeway = 0): CognitoVerifier {
  return new CognitoVerifier({ issuer: app.idp.issuer, clientId: 'testclient', jwksUri: new URL(app.idp.jwksUri), leeway, timeout: 1000 })
}

test('alg none is refused', async (t) => {
  const app = await auditedApp(t)
  const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(accessClaims(app))}.`
  assert.equal(await statusWith(app, token), 401)
})

test('a bad RS256 signature is refused', async (t) => {
  const app = await auditedApp(t)
  const good = issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token
  const [h, p] = good.split('.')
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const forged = `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), otherKey).toString('base64url')}`
  assert.equal(await statusWith(app, forged), 401)
  assert.equal(await statusWith(app, `${h}.${b64({ ...payloadOf(good), username: 'bob' })}.${good.split('.')[2]}`), 401)
})

test('HS256 signed with the public key as its secret (algorithm confusion) is refused', async (t) => {
  const app = await auditedApp(t)
  const good = issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token
  const { keys } = await (await request(app.idp.jwksUri)).body.json() as { keys: Array<{ kid: string }> }
  const jwk = keys.find((k) => k.kid === headerOf(good).kid) as object
  const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const input = `${b64({ alg: 'HS256', kid: headerOf(good).kid })}.${b64(payloadOf(good))}`
  const forged = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`
  assert.equal(await statusWith(app, forged), 401)
})

test('a wrong iss is refused', async (t) => {
  const app = await auditedApp(t)
  assert.equal(await statusWith(app, app.idp.sign({ ...accessClaims(app), iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' })), 401)
})

test('an access token with a missing or wrong client_id is refused', async (t) => {
  const app = await auditedApp(t)
  const { client_id: _dropped, ...noClient } = accessClaims(app)
  assert.equal(await statusWith(app, app.idp.sign(noClient)), 401)
  assert.equal(await statusWith(app, app.idp.sign({ ...accessClaims(app), client_id: 'someoneelse' })), 401)
})

test('an ID token with a missing or wrong aud is refused', async (t) => {
  const app = await auditedApp(t)
  const tokens = issue(app.idp, { username: 'alice', clientId: 'testclient', nonce: 'n' })
  const { aud: _dropped, ...noAud } = payloadOf(tokens.id_token as string)
  const verifier = verifierFor(app)
  await assert.doesNotReject(verifier.verifyIdToken(tokens.id_token as string, 'n', tokens.access_token))
  await assert.rejects(verifier.verifyIdToken(app.idp.sign(noAud, { key: 'id' }), 'n', tokens.access_token), /aud/)
  await assert.rejects(verifier.verifyIdToken(app.idp.sign({ ...noAud, aud: 'other' }, { key: 'id' }), 'n', tokens.access_token), /aud/)
})

test('a token without iat is refused', async (t) => {
  const app = await auditedApp(t)
  const { iat: _dropped, ...claims } = accessClaims(app)
  assert.equal(await statusWith(app, app.idp.sign(claims)), 401)
})

test('a token without sub is refused', async (t) => {
  const app = await auditedApp(t)
  const { sub: _dropped, ...claims } = accessClaims(app)
  assert.equal(await statusWith(app, app.idp.sign(claims)), 401)
})

test('an expired token is refused', async (t) => {
  const app = await auditedApp(t)
  assert.equal(await statusWith(app, app.idp.sign({ ...accessClaims(app), iat: now() - 7200, exp: now() - 1 })), 401)
})

test('iat or nbf in the future beyond the leeway is refused; within the leeway accepted', async (t) => {
  const strict = await auditedApp(t)
  assert.equal(await statusWith(strict, strict.idp.sign({ ...accessClaims(strict), iat: now() + 120 })), 401)
  assert.equal(await statusWith(strict, strict.idp.sign({ ...accessClaims(strict), nbf: now() + 120 })), 401)
  const lenient = await auditedApp(t, { options: { expirationLeeway: 300 } })
  assert.equal(await statusWith(lenient, lenient.idp.sign({ ...accessClaims(lenient), iat: now() + 120, nbf: now() + 120 })), 200)
})

test('an ID token with the nonce missing or wrong is refused', async (t) => {
  const app = await auditedApp(t)
  const verifier = verifierFor(app)
  const withNonce = issue(app.idp, { username: 'alice', clientId: 'testclient', nonce: 'expected' })
  await assert.rejects(verifier.verifyIdToken(withNonce.id_token as string, 'another', withNonce.access_token), /nonce/)
  const without = issue(app.idp, { username: 'alice', clientId: 'testclient' })
  await assert.rejects(verifier.verifyIdToken(without.id_token as string, 'expected', without.access_token), /nonce/)
})

test('an ID token presented as an access token, and the reverse, are refused (token_use)', async (t) => {
  const app = await auditedApp(t)
  const tokens = issue(app.idp, { username: 'alice', clientId: 'testclient', nonce: 'n' })
  assert.equal(await statusWith(app, tokens.id_token as string), 401)
  // Even re-signed with the access key and carrying client_id, token_use "id" is not an access token.
  assert.equal(await statusWith(app, app.idp.sign({ ...payloadOf(tokens.id_token as string), client_id: 'testclient' })), 401)
  await assert.rejects(verifierFor(app).verifyIdToken(tokens.access_token, 'n', tokens.access_token), /token_use/)
})

test('no kid: accepted when the JWKS has a single key; refused when it has several, even with a real signature', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const agent = new MockAgent()
  agent.disableNetConnect()
  agent.get('https://issuer.example').intercept({ path: '/pool/.well-known/jwks.json' })
    .reply(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'only' }] })
  const single = new CognitoVerifier({ issuer: 'https://issuer.example/pool', clientId: 'c', jwksUri: new URL('https://issuer.example/pool/.well-known/jwks.json'), leeway: 0, timeout: 1000, dispatcher: agent })
  const input = `${b64({ alg: 'RS256' })}.${b64({ sub: 's', iss: 'https://issuer.example/pool', token_use: 'access', client_id: 'c', iat: now(), exp: now() + 60 })}`
  const kidless = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  assert.equal((await single.verifyAccessToken(kidless)).sub, 's')

  // Cognito always names the kid; with several keys a kid-less token is ambiguous and refused rather than tried against each.
  const app = await auditedApp(t)
  assert.equal(await statusWith(app, app.idp.sign(accessClaims(app), { header: { alg: 'RS256' } })), 401)
})

test('key rotation: a token under a new kid is accepted after one JWKS refetch', async (t) => {
  const app = await auditedApp(t)
  assert.equal(await statusWith(app, issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token), 200)
  await app.idp.rotateKeys()
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
  t.mock.timers.tick(31_000)
  assert.equal(await statusWith(app, issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token), 200)
  assert.equal(app.idp.stats.jwksRequests, 2)
})

test('a flood of unknown kids causes at most one JWKS fetch per cooldown', async (t) => {
  const app = await auditedApp(t)
  const claims = accessClaims(app)
  const statuses = await Promise.all(Array.from({ length: 200 }, async (_, i) => await statusWith(app, app.idp.sign(claims, { header: { alg: 'RS256', kid: `unknown-${i}` } }))))
  assert.deepEqual(new Set(statuses), new Set([401]))
  assert.ok(app.idp.stats.jwksRequests <= 2, `${app.idp.stats.jwksRequests} fetches`)
})

test('JWKS down: 503 while it is down, and recovery when it returns', async (t) => {
  const app = await auditedApp(t)
  const token = issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token
  app.idp.setJwksAvailable(false)
  assert.equal(await statusWith(app, token), 503)
  assert.equal(await statusWith(app, token), 503)
  app.idp.setJwksAvailable(true)
  assert.equal(await statusWith(app, token), 200)
})

test('a token from another user pool is refused', async (t) => {
  const app = await auditedApp(t)
  const other = await auditedApp(t)
  assert.equal(await statusWith(app, issue(other.idp, { username: 'alice', clientId: 'testclient' }).access_token), 401)
})

test('a header with crit, or a payload that is not an object, is refused even when signed', async (t) => {
  const app = await auditedApp(t)
  const claims = accessClaims(app)
  const kid = headerOf(issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token).kid
  assert.equal(await statusWith(app, app.idp.sign(claims, { header: { alg: 'RS256', kid, crit: ['exp'], exp: 1 } })), 401)
  assert.equal(await statusWith(app, app.idp.sign([claims] as unknown as object)), 401)
  // The same claims under a plain header pass, so the refusals above are the header's and the payload's doing.
  assert.equal(await statusWith(app, app.idp.sign(claims, { header: { alg: 'RS256', kid } })), 200)
})

test('a token without exp, or with a non-numeric exp, iat or nbf, is refused', async (t) => {
  const app = await auditedApp(t)
  const { exp: _dropped, ...noExp } = accessClaims(app)
  assert.equal(await statusWith(app, app.idp.sign(noExp)), 401)
  for (const claim of ['exp', 'iat', 'nbf']) {
    assert.equal(await statusWith(app, app.idp.sign({ ...accessClaims(app), [claim]: String(now() + 60) })), 401, claim)
  }
})

test('a signature in non-canonical base64url (an extra character Buffer would skip) is refused', async (t) => {
  const app = await auditedApp(t)
  const token = issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token
  assert.equal(await statusWith(app, `${token}!`), 401)
  assert.equal(await statusWith(app, `${token.slice(0, -10)}*${token.slice(-10)}`), 401)
  assert.equal(await statusWith(app, token), 200)
})

test('at login, an access token of another client, or an ID token of another user, is refused', async (t) => {
  const app = await auditedApp(t, { extraClients: [{ clientId: 'otherclient', callbackUrls: [], logoutUrls: [] }] })
  const verifier = verifierFor(app)
  const own = new Set(['testclient'])
  const other = issue(app.idp, { username: 'alice', clientId: 'otherclient' })
  await assert.rejects(verifier.verifyTokenSet({ access_token: other.access_token }, undefined, own), /client_id/)
  const alice = issue(app.idp, { username: 'alice', clientId: 'testclient', nonce: 'n' })
  const bob = issue(app.idp, { username: 'bob', clientId: 'testclient', nonce: 'n' })
  await assert.doesNotReject(verifier.verifyTokenSet(alice, 'n', own))
  // Bob's ID token, without at_hash, next to Alice's access token: only the sub comparison can catch it.
  const { at_hash: _dropped, ...bobId } = payloadOf(bob.id_token as string)
  const swapped = { access_token: alice.access_token, id_token: app.idp.sign(bobId, { key: 'id' }) }
  await assert.rejects(verifier.verifyTokenSet(swapped, 'n', own), /different users/)
})
