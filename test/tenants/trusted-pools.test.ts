import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startCognitoEmulator, type CognitoEmulator } from '../../lib/testing/index.js'
import { SECRET, startApp } from '../helpers/app.js'
import { register } from '../helpers/register.js'

type Context = Parameters<typeof startApp>[0]

/** Another user pool with its own keys, and one bearer client. */
async function pool (t: Context, region: string, id: string, clientId: string): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator({ region, userPoolId: `${region}_${id}`, clients: [{ clientId, callbackUrls: [], logoutUrls: [] }, { clientId: `${clientId}other`, callbackUrls: [], logoutUrls: [] }] })
  t.after(() => idp.close())
  return idp
}

/** The app's own pool (client testclient) trusting pools B and C for their clients bclient and cclient. */
async function threePools (t: Context): Promise<{ app: Awaited<ReturnType<typeof startApp>>['app'], main: CognitoEmulator, b: CognitoEmulator, c: CognitoEmulator }> {
  const b = await pool(t, 'eu-west-1', 'PoolB', 'bclient')
  const c = await pool(t, 'ap-south-1', 'PoolC', 'cclient')
  const { app, idp: main } = await startApp(t, {
    options: {
      trustedPools: [
        { userPoolId: b.userPoolId, issuer: b.issuer, clientIds: ['bclient'] },
        { userPoolId: c.userPoolId, region: 'ap-south-1', issuer: c.issuer, clientIds: ['cclient'] }
      ]
    },
    routes: (a) => {
      a.get('/who', { preHandler: a.authRequired() }, async (request) => ({ user: request.cognito.username, issuer: request.cognito.issuer, pool: request.cognito.userPoolId }))
      a.get('/b-only', { preHandler: a.authRequired({ pools: [b.userPoolId] }) }, async (request) => ({ pool: request.cognito.userPoolId }))
    }
  })
  return { app, main, b, c }
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
const payloadOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())

test('bearer tokens of each trusted pool pass, with their issuer and userPoolId; each pool\'s JWKS is fetched once', async (t) => {
  const { app, main, b, c } = await threePools(t)
  for (const [idp, clientId] of [[main, 'testclient'], [b, 'bclient'], [c, 'cclient']] as const) {
    for (const username of ['alice', 'bob', 'carol']) {
      const res = await app.inject({ url: '/who', headers: bearer(idp.issueTokens({ username, clientId }).access_token) })
      assert.equal(res.statusCode, 200)
      assert.deepEqual(res.json(), { user: username, issuer: idp.issuer, pool: idp.userPoolId })
    }
    assert.equal(idp.stats.jwksRequests, 1, `${idp.userPoolId}: one JWKS fetch for three tokens`)
  }
  const res = await app.inject({ url: '/claims', headers: bearer(b.issueTokens({ username: 'alice', clientId: 'bclient' }).access_token) })
  assert.equal(res.json().issuer, b.issuer)
  assert.equal(res.json().userPoolId, b.userPoolId)
})

test('a token of an issuer not configured is refused before any JWKS fetch; other clients of a trusted pool are refused', async (t) => {
  const { app, main, b, c } = await threePools(t)
  const stranger = await pool(t, 'us-west-2', 'Stranger', 'bclient')
  const refused = [
    stranger.issueTokens({ username: 'alice', clientId: 'bclient' }).access_token,
    // B's claims under an issuer nobody configured, signed with the stranger's key.
    stranger.sign({ ...payloadOf(b.issueTokens({ username: 'alice', clientId: 'bclient' }).access_token), iss: 'https://evil.example.com/eu-west-1_PoolB' })
  ]
  for (const token of refused) {
    const res = await app.inject({ url: '/who', headers: bearer(token) })
    assert.equal(res.statusCode, 401)
    assert.equal(res.json().code, 'FST_COGNITO_UNAUTHENTICATED')
    assert.equal(res.headers['www-authenticate'], 'Bearer error="invalid_token"')
  }
  for (const idp of [main, b, c, stranger]) assert.equal(idp.stats.jwksRequests, 0, `${idp.userPoolId}: no JWKS fetched`)

  const otherClient = await app.inject({ url: '/who', headers: bearer(b.issueTokens({ username: 'alice', clientId: 'bclientother' }).access_token) })
  assert.equal(otherClient.statusCode, 401)
  const forged = await app.inject({ url: '/who', headers: bearer(stranger.sign(payloadOf(b.issueTokens({ username: 'alice', clientId: 'bclient' }).access_token))) })
  assert.equal(forged.statusCode, 401, 'B\'s issuer, signed with another pool\'s key')
  assert.equal(b.stats.jwksRequests, 1, 'B\'s JWKS fetched once: the forged token\'s unknown kid waits for the cooldown')
})

test('a trusted pool\'s token is not accepted as the access-token cookie', async (t) => {
  const { app, b } = await threePools(t)
  const token = b.issueTokens({ username: 'alice', clientId: 'bclient' }).access_token
  const res = await app.inject({ url: '/who', headers: { accept: 'application/json' }, cookies: { 'cognito-access-token': token } })
  assert.equal(res.statusCode, 401)
})

test('authRequired({ pools }) lets only callers of those pools through (403 FST_COGNITO_POOL_NOT_ALLOWED), and checks its pool ids', async (t) => {
  const { app, main, b, c } = await threePools(t)
  const ok = await app.inject({ url: '/b-only', headers: bearer(b.issueTokens({ username: 'bob', clientId: 'bclient' }).access_token) })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { pool: b.userPoolId })
  for (const [idp, clientId] of [[main, 'testclient'], [c, 'cclient']] as const) {
    const res = await app.inject({ url: '/b-only', headers: bearer(idp.issueTokens({ username: 'bob', clientId }).access_token) })
    assert.equal(res.statusCode, 403)
    assert.equal(res.json().code, 'FST_COGNITO_POOL_NOT_ALLOWED')
  }
  const anonymous = await app.inject({ url: '/b-only' })
  assert.equal(anonymous.statusCode, 401)
  for (const pools of [[], ['eu-west-1_Unknown'], 'eu-west-1_PoolB']) {
    assert.throws(() => app.authRequired({ pools: pools as string[] }), { code: 'FST_COGNITO_INVALID_OPTION', message: /authRequired\.pools/ })
  }
})

test('one trusted pool\'s JWKS outage leaves the other pools working', async (t) => {
  const { app, main, b, c } = await threePools(t)
  b.setJwksAvailable(false)
  const down = await app.inject({ url: '/who', headers: bearer(b.issueTokens({ username: 'alice', clientId: 'bclient' }).access_token) })
  assert.equal(down.statusCode, 503)
  assert.equal(down.json().code, 'FST_COGNITO_JWKS_UNAVAILABLE')
  for (const [idp, clientId] of [[main, 'testclient'], [c, 'cclient']] as const) {
    const res = await app.inject({ url: '/who', headers: bearer(idp.issueTokens({ username: 'carol', clientId }).access_token) })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json().issuer, idp.issuer)
  }
})

test('trustedPools is checked at registration, naming the pool and its setting', async () => {
  const base = {
    secret: SECRET,
    region: 'us-east-1',
    domain: 'https://myapp.auth.us-east-1.amazoncognito.com',
    userPoolId: 'us-east-1_Main',
    clientId: 'testclient',
    redirectUrl: 'https://app.example.com/postlogin',
    logoutUrl: 'https://app.example.com/postlogout'
  }
  const cases: Array<[unknown, RegExp]> = [
    ['eu-west-1_PoolB', /trustedPools: a list/],
    [[null], /trustedPools\[0\]: an object/],
    [[{ userPoolId: 'eu-west-1_PoolB', clientIds: ['b'], audience: 'x' }], /trustedPools\[0\]: audience is not/],
    [[{ userPoolId: 'PoolB', clientIds: ['b'] }], /trustedPools\[0\]\.userPoolId/],
    [[{ userPoolId: 'eu-west-1_PoolB', region: 'us-east-1', clientIds: ['b'] }], /trustedPools\[0\]\.userPoolId: the pool id does not belong/],
    [[{ userPoolId: 'eu-west-1_PoolB', region: 'west', clientIds: ['b'] }], /trustedPools\[0\]\.region/],
    [[{ userPoolId: 'eu-west-1_PoolB', clientIds: [] }], /trustedPools\[0\]\.clientIds/],
    [[{ userPoolId: 'eu-west-1_PoolB', clientIds: ['bad id'] }], /trustedPools\[0\]\.clientIds/],
    [[{ userPoolId: 'eu-west-1_PoolB', issuer: 'http://evil.example.com/x', clientIds: ['b'] }], /trustedPools\[0\]\.issuer: https is required/],
    [[{ userPoolId: 'us-east-1_Main', clientIds: ['b'] }], /trustedPools\[0\]\.userPoolId: the pool is already the app's own pool/],
    [[{ userPoolId: 'eu-west-1_PoolB', clientIds: ['b'] }, { userPoolId: 'eu-west-1_PoolB', clientIds: ['c'] }], /trustedPools\[1\]\.userPoolId: the pool is already trustedPools\[0\]/],
    [[{ userPoolId: 'eu-west-1_PoolB', clientIds: ['b'] }, { userPoolId: 'eu-west-1_PoolC', clientIds: ['b'] }], /trustedPools\[1\]\.clientIds: b is already a client of trustedPools\[0\]/],
    [[{ userPoolId: 'eu-west-1_PoolB', clientIds: ['testclient'] }], /trustedPools\[0\]\.clientIds: testclient is already a client of the app's own pool/]
  ]
  for (const [trustedPools, message] of cases) {
    const err = await register({ ...base, trustedPools })
    assert.equal((err as { code?: string } | undefined)?.code, 'FST_COGNITO_INVALID_OPTION', JSON.stringify(trustedPools))
    assert.match(String(err?.message), message)
  }
  const noBearer = await register({ ...base, bearerTokens: false, trustedPools: [{ userPoolId: 'eu-west-1_PoolB', clientIds: ['b'] }] })
  assert.match(String(noBearer?.message), /trustedPools: their tokens are bearer tokens/)
  assert.equal(await register({ ...base, trustedPools: [{ userPoolId: 'eu-west-1_PoolB', clientIds: ['b'] }] }), undefined)
})
