import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { startCognitoEmulator } from '../../lib/testing/index.js'

test('jwks.json lists two RS256 keys whose kids are standard base64 with +, / and =', async (t) => {
  const idp = await startCognitoEmulator()
  t.after(() => idp.close())
  const res = await request(idp.jwksUri)
  assert.equal(res.statusCode, 200)
  const { keys } = await res.body.json() as { keys: Array<Record<string, string>> }
  assert.equal(keys.length, 2)
  for (const key of keys) {
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'])
    assert.equal(key.alg, 'RS256')
    assert.equal(key.kty, 'RSA')
    assert.equal(key.use, 'sig')
    assert.match(key.kid as string, /^[A-Za-z0-9+/]{43}=$/)
    assert.match(key.kid as string, /\+/)
    assert.match(key.kid as string, /\//)
  }
  assert.notEqual(keys[0]?.kid, keys[1]?.kid)
  assert.equal(idp.stats.jwksRequests, 1)
})

test('the issuer is the pool path, separate from the hosted-UI domain, and discovery says so', async (t) => {
  const idp = await startCognitoEmulator({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123' })
  t.after(() => idp.close())
  assert.equal(idp.issuer, `${idp.domain}/eu-west-1_AbC123`)
  const res = await request(`${idp.issuer}/.well-known/openid-configuration`)
  assert.equal(res.statusCode, 200)
  const config = await res.body.json() as Record<string, unknown>
  assert.equal(config.issuer, idp.issuer)
  assert.equal(config.jwks_uri, idp.jwksUri)
  assert.equal(config.authorization_endpoint, `${idp.domain}/oauth2/authorize`)
  assert.equal(config.token_endpoint, `${idp.domain}/oauth2/token`)
  assert.equal(config.userinfo_endpoint, `${idp.domain}/oauth2/userInfo`)
  assert.equal(config.revocation_endpoint, `${idp.domain}/oauth2/revoke`)
  assert.deepEqual(config.id_token_signing_alg_values_supported, ['RS256'])
  const wrongPool = await request(`${idp.domain}/eu-west-1_Other/.well-known/jwks.json`)
  assert.equal(wrongPool.statusCode, 404)
  assert.equal((await wrongPool.body.json() as { error: string }).error, 'invalid_request')
})

test('JWKS fault: 503 while unavailable, keys again once restored', async (t) => {
  const idp = await startCognitoEmulator()
  t.after(() => idp.close())
  idp.setJwksAvailable(false)
  const down = await request(idp.jwksUri)
  assert.equal(down.statusCode, 503)
  await down.body.dump()
  idp.setJwksAvailable(true)
  const up = await request(idp.jwksUri)
  assert.equal(up.statusCode, 200)
  assert.equal((await up.body.json() as { keys: unknown[] }).keys.length, 2)
  assert.equal(idp.stats.jwksRequests, 2)
})

test('key rotation publishes two new kids, keeps the old ones, and signs with the new', async (t) => {
  const idp = await startCognitoEmulator()
  t.after(() => idp.close())
  const kidsOf = async (): Promise<string[]> =>
    ((await (await request(idp.jwksUri)).body.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)
  const before = await kidsOf()
  await idp.rotateKeys()
  const after = await kidsOf()
  assert.equal(after.length, 4)
  assert.deepEqual(after.slice(2), before)
  const header = JSON.parse(Buffer.from(idp.issueTokens({ username: 'alice' }).access_token.split('.')[0] as string, 'base64url').toString())
  assert.ok(after.slice(0, 2).includes(header.kid))
  assert.ok(!before.includes(header.kid))
})

test('unknown paths and methods get Cognito-shaped JSON errors, not crashes', async (t) => {
  const idp = await startCognitoEmulator()
  t.after(() => idp.close())
  for (const [method, path] of [['GET', '/nope'], ['GET', '/oauth2/token'], ['DELETE', '/oauth2/authorize'], ['GET', '/%E0%A4%A']] as const) {
    const res = await request(`${idp.domain}${path}`, { method })
    assert.equal(res.statusCode, 404, `${method} ${path}`)
    assert.match(String(res.headers['content-type']), /application\/json/)
    assert.equal((await res.body.json() as { error: string }).error, 'invalid_request')
  }
})

test('pluginOptions gives the settings that point the plugin at this pool, for any of its clients', async (t) => {
  const idp = await startCognitoEmulator({ clients: [{ clientId: 'web', clientSecret: 's'.repeat(40), callbackUrls: [], logoutUrls: [] }, { clientId: 'spa', callbackUrls: [], logoutUrls: [] }] })
  t.after(() => idp.close())
  assert.deepEqual(idp.pluginOptions(), { region: 'us-east-1', domain: idp.domain, issuer: idp.issuer, userPoolId: 'us-east-1_Emulat0r', clientId: 'web', clientSecret: 's'.repeat(40) })
  assert.equal(idp.pluginOptions('spa').clientSecret, undefined)
  assert.throws(() => idp.pluginOptions('nope'), /unknown client/)
})
