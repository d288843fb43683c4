import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import { request } from 'undici'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorOptions } from '../../lib/testing/index.js'
import { authorizeUrl, Browser, codeOf, pkcePair, signIn } from '../helpers/hosted-ui.js'
import { basic, postForm, type Answer } from './oauth.js'

const CALLBACK = 'http://localhost:5000/postlogin'
const SECRET = 'public-client-has-none-but-this-one-has-a-secret-0001'
const clients: EmulatorOptions['clients'] = [
  { clientId: 'confidential', clientSecret: SECRET, callbackUrls: [CALLBACK], logoutUrls: [], scopes: ['openid', 'email', 'phone', 'orders/read', 'orders/write'] },
  { clientId: 'public', callbackUrls: [CALLBACK], logoutUrls: [] },
  { clientId: 'rotating', clientSecret: SECRET, callbackUrls: [CALLBACK], logoutUrls: [], refreshTokenRotation: true },
  { clientId: 'm2m', clientSecret: SECRET, callbackUrls: [], logoutUrls: [], scopes: ['orders/read', 'orders/write'], allowedOAuthFlows: ['client_credentials'] }
]
const users: EmulatorOptions['users'] = [
  { username: 'alice', password: 'Passw0rd!', email: 'alice@example.com', emailVerified: true, groups: ['admin', 'editor'], attributes: { 'custom:tenant': 'acme', name: 'Alice' } },
  { username: 'carol', password: 'Passw0rd!' }
]

async function emulator (t: { after: (fn: () => Promise<void>) => void }, options: EmulatorOptions = {}): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator({ clients, users, ...options })
  t.after(() => idp.close())
  return idp
}

const tokenRequest = async (idp: CognitoEmulator, form: Record<string, string>, headers: Record<string, string> = { authorization: basic('confidential', SECRET) }): Promise<Answer> =>
  await postForm(idp, '/oauth2/token', form, headers)

/** Signs in through the hosted UI and returns a fresh code, with the PKCE verifier that goes with it. */
async function code (idp: CognitoEmulator, clientId = 'confidential', username = 'alice', nonce = 'n-1'): Promise<{ code: string, verifier: string }> {
  const { verifier, challenge } = pkcePair()
  const hop = await signIn(new Browser(), authorizeUrl(idp, { client_id: clientId, nonce, code_challenge: challenge, code_challenge_method: 'S256' }), username)
  return { code: codeOf(hop), verifier }
}

const exchange = (c: { code: string, verifier: string }): Record<string, string> =>
  ({ grant_type: 'authorization_code', code: c.code, redirect_uri: CALLBACK, code_verifier: c.verifier })

async function verify (idp: CognitoEmulator, jwt: string): Promise<JWTPayload> {
  const jwks = await (await request(idp.jwksUri)).body.json() as Parameters<typeof createLocalJWKSet>[0]
  return (await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: idp.issuer, algorithms: ['RS256'] })).payload
}

test('authorization_code with Basic auth and PKCE gives Cognito-shaped access, ID and refresh tokens', async (t) => {
  const idp = await emulator(t)
  const res = await tokenRequest(idp, exchange(await code(idp)))
  assert.equal(res.status, 200)
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type'])
  assert.equal(res.body.token_type, 'Bearer')
  assert.equal(res.body.expires_in, 3600)
  assert.equal((res.body.refresh_token as string).split('.').length, 5)

  const access = await verify(idp, res.body.access_token as string)
  assert.deepEqual(Object.keys(access).sort(), ['auth_time', 'client_id', 'cognito:groups', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username', 'version'])
  assert.equal(access.token_use, 'access')
  assert.equal(access.client_id, 'confidential')
  assert.equal(access.username, 'alice')
  assert.equal(access.scope, 'openid email')
  assert.equal(access.version, 2)
  assert.equal(access.aud, undefined)
  assert.deepEqual(access['cognito:groups'], ['admin', 'editor'])
  assert.equal((access.exp as number) - (access.iat as number), 3600)

  const id = await verify(idp, res.body.id_token as string)
  assert.equal(id.token_use, 'id')
  assert.equal(id.aud, 'confidential')
  assert.equal(id.nonce, 'n-1')
  assert.equal(id['cognito:username'], 'alice')
  assert.equal(id.email, 'alice@example.com')
  assert.equal(id.email_verified, true)
  assert.equal(id['custom:tenant'], 'acme')
  assert.equal(id.sub, access.sub)
  assert.equal(id.origin_jti, access.origin_jti)
  assert.equal(id.event_id, access.event_id)
  for (const claim of ['at_hash', 'auth_time', 'jti', 'iat', 'exp']) assert.ok(id[claim] !== undefined, claim)

  const [accessKid, idKid] = [decodeProtectedHeader(res.body.access_token as string), decodeProtectedHeader(res.body.id_token as string)]
  assert.equal(accessKid.alg, 'RS256')
  assert.notEqual(accessKid.kid, idKid.kid)
  // Cognito escapes slashes in its token JSON; so must the emulator.
  assert.match(Buffer.from((res.body.access_token as string).split('.')[1] as string, 'base64url').toString(), /"iss":"http:\\\/\\\//)
})

test('at_hash is the left half of the access token SHA-256', async (t) => {
  const idp = await emulator(t)
  const { createHash } = await import('node:crypto')
  const res = await tokenRequest(idp, exchange(await code(idp)))
  const id = await verify(idp, res.body.id_token as string)
  assert.equal(id.at_hash, createHash('sha256').update(res.body.access_token as string).digest().subarray(0, 16).toString('base64url'))
})

test('cognito:groups appears only for users in groups; no openid scope means no ID token', async (t) => {
  const idp = await emulator(t)
  const res = await tokenRequest(idp, exchange(await code(idp, 'confidential', 'carol')))
  const access = await verify(idp, res.body.access_token as string)
  const id = await verify(idp, res.body.id_token as string)
  assert.equal(access['cognito:groups'], undefined)
  assert.equal(id['cognito:groups'], undefined)
  assert.equal(id.email, undefined)

  const { verifier, challenge } = pkcePair()
  const hop = await signIn(new Browser(), authorizeUrl(idp, { client_id: 'confidential', scope: 'orders/read', code_challenge: challenge, code_challenge_method: 'S256' }))
  const noOpenid = await tokenRequest(idp, exchange({ code: codeOf(hop), verifier }))
  assert.equal(noOpenid.status, 200)
  assert.equal(noOpenid.body.id_token, undefined)
})

test('a code is single-use, bound to its redirect_uri, client and verifier, and lives 5 minutes', async (t) => {
  const idp = await emulator(t)
  const first = await code(idp)
  assert.equal((await tokenRequest(idp, exchange(first))).status, 200)
  const replay = await tokenRequest(idp, exchange(first))
  assert.equal(replay.status, 400)
  assert.deepEqual(replay.body, { error: 'invalid_grant' })

  const wrongRedirect = await code(idp)
  assert.equal((await tokenRequest(idp, { ...exchange(wrongRedirect), redirect_uri: 'http://localhost:5000/other' })).body.error, 'invalid_grant')
  const wrongVerifier = await code(idp)
  assert.equal((await tokenRequest(idp, { ...exchange(wrongVerifier), code_verifier: pkcePair().verifier })).body.error, 'invalid_grant')
  const noVerifier = await code(idp)
  const { code_verifier: _dropped, ...withoutVerifier } = exchange(noVerifier)
  assert.equal((await tokenRequest(idp, withoutVerifier)).body.error, 'invalid_request')
  const otherClient = await code(idp, 'public')
  assert.equal((await tokenRequest(idp, exchange(otherClient))).body.error, 'invalid_grant')
  assert.equal((await tokenRequest(idp, { ...exchange(otherClient), client_id: 'public' }, {})).status, 200)

  const expiring = await code(idp)
  idp.setClockOffset(301)
  assert.equal((await tokenRequest(idp, exchange(expiring))).body.error, 'invalid_grant')
  assert.equal((await tokenRequest(idp, { grant_type: 'authorization_code', redirect_uri: CALLBACK })).body.error, 'invalid_request')
})

test('client authentication: wrong secret, public client with Basic, confidential without secret are invalid_client', async (t) => {
  const idp = await emulator(t)
  const c = await code(idp)
  assert.deepEqual((await tokenRequest(idp, exchange(c), { authorization: basic('confidential', 'wrong') })).body, { error: 'invalid_client' })
  assert.equal((await tokenRequest(idp, exchange(c), { authorization: basic('nobody', SECRET) })).body.error, 'invalid_client')
  assert.equal((await tokenRequest(idp, exchange(c), { authorization: 'Basic !!!' })).body.error, 'invalid_client')
  assert.equal((await tokenRequest(idp, { ...exchange(c), client_id: 'confidential' }, {})).body.error, 'invalid_client')
  assert.equal((await tokenRequest(idp, { ...exchange(c), client_id: 'public' }, { authorization: basic('confidential', SECRET) })).body.error, 'invalid_client')
  assert.equal((await tokenRequest(idp, exchange(c), {})).body.error, 'invalid_client')
  const pub = await code(idp, 'public')
  assert.equal((await tokenRequest(idp, exchange(pub), { authorization: basic('public', '') })).body.error, 'invalid_client')
  assert.equal((await tokenRequest(idp, { ...exchange(pub), client_id: 'public', client_secret: 'x' }, {})).body.error, 'invalid_client')
  // client_secret_post is accepted for confidential clients, as Cognito does.
  assert.equal((await tokenRequest(idp, { ...exchange(c), client_id: 'confidential', client_secret: SECRET }, {})).status, 200)
})

test('malformed token requests get Cognito error JSON with status 400', async (t) => {
  const idp = await emulator(t)
  assert.equal((await tokenRequest(idp, { code: 'x' })).body.error, 'invalid_request')
  assert.equal((await tokenRequest(idp, { grant_type: 'password' })).body.error, 'unsupported_grant_type')
  const json = await request(`${idp.domain}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  assert.equal(json.statusCode, 400)
  assert.equal((await json.body.json() as { error: string }).error, 'invalid_request')
  const huge = await request(`${idp.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=authorization_code&code=${'a'.repeat(70_000)}`
  })
  assert.equal(huge.statusCode, 413)
  assert.equal((await huge.body.json() as { error: string }).error, 'invalid_request')
  const garbage = await tokenRequest(idp, { grant_type: '%%%\u0000', code: '\uFFFF' })
  assert.equal(garbage.status, 400)
})

test('refresh_token gives new access and ID tokens without a new refresh token, keeping origin_jti', async (t) => {
  const idp = await emulator(t)
  const login = await tokenRequest(idp, exchange(await code(idp)))
  idp.setClockOffset(10)
  const refreshed = await tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token as string })
  assert.equal(refreshed.status, 200)
  assert.equal(refreshed.body.refresh_token, undefined)
  const [before, after] = [await verify(idp, login.body.access_token as string), await verify(idp, refreshed.body.access_token as string)]
  assert.equal(after.origin_jti, before.origin_jti)
  const shift = (after.iat as number) - (before.iat as number)
  assert.ok(shift >= 10 && shift <= 11, `iat moved ${shift} s`)
  assert.equal((await verify(idp, refreshed.body.id_token as string)).nonce, undefined)
  assert.deepEqual((await tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: 'nope' })).body, { error: 'invalid_grant', error_description: 'Invalid Refresh Token' })
  assert.equal((await tokenRequest(idp, { grant_type: 'refresh_token' })).body.error, 'invalid_request')
  idp.setClockOffset(30 * 24 * 3600)
  assert.equal((await tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token as string })).body.error, 'invalid_grant')
})

test('refresh token rotation returns a new refresh token and retires the old one', async (t) => {
  const idp = await emulator(t)
  const auth = { authorization: basic('rotating', SECRET) }
  const login = await tokenRequest(idp, exchange(await code(idp, 'rotating')), auth)
  const first = await tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token as string }, auth)
  assert.equal(first.status, 200)
  assert.ok(typeof first.body.refresh_token === 'string' && first.body.refresh_token !== login.body.refresh_token)
  assert.equal((await tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token as string }, auth)).body.error, 'invalid_grant')
  assert.equal((await tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string }, auth)).status, 200)
})

test('client_credentials issues a user-less access token with custom scopes only', async (t) => {
  const idp = await emulator(t)
  const m2m = { authorization: basic('m2m', SECRET) }
  const res = await tokenRequest(idp, { grant_type: 'client_credentials', scope: 'orders/read' }, m2m)
  assert.equal(res.status, 200)
  assert.equal(res.body.id_token, undefined)
  assert.equal(res.body.refresh_token, undefined)
  const claims = await verify(idp, res.body.access_token as string)
  assert.deepEqual(Object.keys(claims).sort(), ['auth_time', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_use', 'version'])
  assert.equal(claims.sub, 'm2m')
  assert.equal(claims.scope, 'orders/read')
  assert.equal((await verify(idp, (await tokenRequest(idp, { grant_type: 'client_credentials' }, m2m)).body.access_token as string)).scope, 'orders/read orders/write')
  assert.equal((await tokenRequest(idp, { grant_type: 'client_credentials', scope: 'openid' }, m2m)).body.error, 'invalid_scope')
  assert.equal((await tokenRequest(idp, { grant_type: 'client_credentials', client_id: 'public' }, {})).body.error, 'unauthorized_client')
})

test('token fault injection: chosen status and body, delays, dropped connections, a limited count', async (t) => {
  const idp = await emulator(t)
  idp.setTokenFault({ status: 500, body: '<html>oops</html>', contentType: 'text/html' })
  const raw = await request(`${idp.domain}/oauth2/token`, { method: 'POST' })
  assert.equal(raw.statusCode, 500)
  assert.match(String(raw.headers['content-type']), /text\/html/)
  assert.equal(await raw.body.text(), '<html>oops</html>')

  idp.setTokenFault({ status: 503, times: 1 })
  assert.deepEqual(await tokenRequest(idp, { grant_type: 'x' }).then((r) => [r.status, r.body]), [503, { error: 'server_error' }])
  assert.equal((await tokenRequest(idp, { grant_type: 'x' })).status, 400)

  idp.setTokenFault({ delayMs: 150 })
  const started = Date.now()
  assert.equal((await tokenRequest(idp, { grant_type: 'x' })).body.error, 'unsupported_grant_type')
  assert.ok(Date.now() - started >= 140)

  idp.setTokenFault({ destroy: true })
  await assert.rejects(tokenRequest(idp, { grant_type: 'x' }), /other side closed|socket/i)
  idp.setTokenFault(null)
  assert.equal((await tokenRequest(idp, { grant_type: 'x' })).status, 400)
  assert.equal(idp.stats.tokenRequests, 6)
})

test('closing the emulator ends a delay fault in progress', async (t) => {
  const idp = await startCognitoEmulator()
  idp.setTokenFault({ delayMs: 60_000, status: 500 })
  const pending = tokenRequest(idp, { grant_type: 'x' })
  while (idp.stats.tokenRequests === 0) await new Promise((resolve) => setImmediate(resolve))
  const started = Date.now()
  await idp.close()
  await assert.rejects(pending)
  assert.ok(Date.now() - started < 5000)
  t.diagnostic(`closed in ${Date.now() - started} ms`)
})

test('clock offset issues tokens in the past or future', async (t) => {
  const idp = await emulator(t, { accessTokenTtl: 60 })
  idp.setClockOffset(-7200)
  const { access_token: past } = idp.issueTokens({ username: 'alice', clientId: 'confidential' })
  const claims = JSON.parse(Buffer.from(past.split('.')[1] as string, 'base64url').toString())
  const now = Math.floor(Date.now() / 1000)
  assert.ok(Math.abs(claims.iat - (now - 7200)) <= 2)
  assert.equal(claims.exp - claims.iat, 60)
})
