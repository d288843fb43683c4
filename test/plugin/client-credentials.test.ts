import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ClientCredentials } from '../../lib/client-credentials.js'
import { cognitoEndpoints } from '../../lib/endpoints.js'
import { TokenClient } from '../../lib/token-client.js'
import { startCognitoEmulator, type CognitoEmulator } from '../../lib/testing/index.js'
import { startApp } from '../helpers/app.js'

// allowedOAuthFlows is for emulators that keep client_credentials off code-grant clients, as Cognito does.
const machine = { clientId: 'machineclient', clientSecret: 'machine-secret-0123456789abcdefghijklmn', callbackUrls: [], logoutUrls: [], scopes: ['orders/read', 'orders/write'], allowedOAuthFlows: ['client_credentials' as const] }

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())

async function machineApp (t: Parameters<typeof startApp>[0], options = {}): ReturnType<typeof startApp> {
  return await startApp(t, { extraClients: [machine], options: { machineClient: { clientId: machine.clientId, clientSecret: machine.clientSecret }, ...options } })
}

test('1,000 concurrent callers get the same token from one token request; later callers get it from the cache', async (t) => {
  const { app, idp } = await machineApp(t)
  const before = idp.stats.tokenRequests
  const tokens = await Promise.all(Array.from({ length: 1000 }, async () => await app.cognito.clientCredentials({ scopes: ['orders/read'] })))
  assert.equal(idp.stats.tokenRequests - before, 1)
  assert.equal(new Set(tokens).size, 1)
  const claims = claimsOf(tokens[0] as string)
  assert.equal(claims.client_id, 'machineclient')
  assert.equal(claims.scope, 'orders/read')
  assert.equal(claims.token_use, 'access')
  assert.equal(await app.cognito.clientCredentials({ scopes: ['orders/read', 'orders/read'] }), tokens[0])
  assert.equal(idp.stats.tokenRequests - before, 1)
})

test('each scope set has its own token, whatever the order of its scopes; no scopes asks for all the client may have', async (t) => {
  const { app, idp } = await machineApp(t)
  const before = idp.stats.tokenRequests
  const both = await app.cognito.clientCredentials({ scopes: ['orders/write', 'orders/read'] })
  assert.equal(await app.cognito.clientCredentials({ scopes: ['orders/read', 'orders/write'] }), both)
  const write = await app.cognito.clientCredentials({ scopes: ['orders/write'] })
  const all = await app.cognito.clientCredentials()
  assert.equal(idp.stats.tokenRequests - before, 3)
  assert.equal(claimsOf(both).scope, 'orders/read orders/write')
  assert.equal(claimsOf(write).scope, 'orders/write')
  assert.equal(claimsOf(all).scope, 'orders/read orders/write')
})

test('Cognito refusals are FST_COGNITO_CLIENT_CREDENTIALS_REFUSED naming the OAuth error; bad scopes are refused before any request', async (t) => {
  const { app, idp } = await machineApp(t)
  await assert.rejects(app.cognito.clientCredentials({ scopes: ['payments/read'] }), { code: 'FST_COGNITO_CLIENT_CREDENTIALS_REFUSED', message: /invalid_scope/, statusCode: 500 })
  const before = idp.stats.tokenRequests
  await assert.rejects(app.cognito.clientCredentials({ scopes: ['has space'] }), { code: 'FST_COGNITO_INVALID_OPTION', message: /clientCredentials\.scopes/ })
  await assert.rejects(app.cognito.clientCredentials({ scopes: 'orders/read' as unknown as string[] }), { code: 'FST_COGNITO_INVALID_OPTION' })
  assert.equal(idp.stats.tokenRequests, before)
})

test('without machineClient the app client is used; a public client is refused by Cognito with a coded error', async (t) => {
  const { app } = await startApp(t, { publicClient: true, client: { scopes: ['openid', 'orders/read'] } })
  await assert.rejects(app.cognito.clientCredentials({ scopes: ['orders/read'] }), { code: 'FST_COGNITO_CLIENT_CREDENTIALS_REFUSED', message: /unauthorized_client|invalid_client/ })
})

test('a failed token request reaches every waiting caller, and the next call asks again', async (t) => {
  const { app, idp } = await machineApp(t)
  idp.setTokenFault({ status: 500, times: 1 })
  const failed = await Promise.allSettled(Array.from({ length: 20 }, async () => await app.cognito.clientCredentials({ scopes: ['orders/read'] })))
  assert.ok(failed.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'FST_COGNITO_IDP_ERROR'))
  const before = idp.stats.tokenRequests
  assert.equal(claimsOf(await app.cognito.clientCredentials({ scopes: ['orders/read'] })).scope, 'orders/read')
  assert.equal(idp.stats.tokenRequests - before, 1)
})

test('machineClient is validated at registration', async (t) => {
  for (const machineClient of [null, 'machineclient', { clientId: 'machineclient' }, { clientId: 'bad id', clientSecret: 'x' }]) {
    await assert.rejects(machineApp(t, { machineClient }), { code: 'FST_COGNITO_INVALID_OPTION', message: /machineClient/ })
  }
})

/** A token cache over the emulator's machine client with a clock the test moves. */
async function cacheWithClock (t: { after: (fn: () => Promise<void>) => void }): Promise<{ idp: CognitoEmulator, cache: ClientCredentials, clock: { now: number } }> {
  const idp = await startCognitoEmulator({ clients: [machine], accessTokenTtl: 3600 })
  t.after(async () => await idp.close())
  const endpoints = cognitoEndpoints({ domain: idp.domain, issuer: idp.issuer })
  const client = new TokenClient({ endpoints, clientId: machine.clientId, clientSecret: machine.clientSecret, timeout: 5000 })
  const clock = { now: Date.now() }
  return { idp, cache: new ClientCredentials(client, () => clock.now), clock }
}

test('renewed ahead of expiry: the cached token is served while one renewal runs, and callers after it get the new token', async (t) => {
  const { idp, cache, clock } = await cacheWithClock(t)
  const start = clock.now
  const first = await cache.token({ scopes: ['orders/read'] })
  clock.now = start + 3299_000 // before the renewal point (5 minutes before exp)
  assert.equal(await cache.token({ scopes: ['orders/read'] }), first)
  assert.equal(idp.stats.tokenRequests, 1)
  clock.now = start + 3301_000 // inside the renewal window: still the cached token, renewal started once
  assert.equal(await cache.token({ scopes: ['orders/read'] }), first)
  assert.equal(await cache.token({ scopes: ['orders/read'] }), first)
  clock.now = start + 3541_000 // under a minute before exp: never handed out; the renewal in flight answers
  const renewed = await cache.token({ scopes: ['orders/read'] })
  assert.notEqual(renewed, first)
  assert.equal(idp.stats.tokenRequests, 2)
})

test('a failed renewal keeps the cached token until it is too close to exp, then the error reaches the caller', async (t) => {
  const { idp, cache, clock } = await cacheWithClock(t)
  const start = clock.now
  const first = await cache.token()
  idp.setTokenFault({ status: 503, body: '{"error":"server_error"}' })
  clock.now = start + 3400_000
  assert.equal(await cache.token(), first)
  clock.now = start + 3560_000
  await assert.rejects(cache.token(), { code: 'FST_COGNITO_IDP_ERROR' })
  idp.setTokenFault(null)
  assert.notEqual(await cache.token(), first)
})
