import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { startCognitoEmulator } from '../../lib/testing/index.js'

test('the token endpoint allows any origin and answers the CORS preflight of a browser token request', async (t) => {
  const idp = await startCognitoEmulator({ clients: [{ clientId: 'spa', callbackUrls: ['http://localhost:3000/cb'], logoutUrls: [] }] })
  t.after(() => idp.close())
  const preflight = await request(`${idp.domain}/oauth2/token`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-requested-with' }
  })
  assert.equal(preflight.statusCode, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], '*')
  assert.equal(preflight.headers['access-control-allow-methods'], 'POST')
  assert.equal(preflight.headers['access-control-allow-headers'], 'content-type,x-requested-with')
  await preflight.body.dump()

  const refused = await request(`${idp.domain}/oauth2/token`, {
    method: 'POST',
    headers: { origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=authorization_code&client_id=spa&code=unknown&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code_verifier=x'
  })
  assert.equal(refused.statusCode, 400)
  assert.equal(refused.headers['access-control-allow-origin'], '*')
  assert.deepEqual(await refused.body.json(), { error: 'invalid_grant' })
})
