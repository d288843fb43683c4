import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildExampleApp } from '../example/app.js'
import { startCognitoEmulator } from '../lib/testing/index.js'

test('the example app: a guest home page, /claims as the seed shows it, /admin and /edit by group', async (t) => {
  // Cognito's real issuer and domain, reached through the emulator's dispatcher: the plugin's default JWKS URL is used.
  const idp = await startCognitoEmulator({ hosts: 'aws' })
  t.after(() => idp.close())
  const client = idp.clients[0] as (typeof idp.clients)[number]
  const app = await buildExampleApp({
    ...idp.pluginOptions(),
    secret: 'example-secret-of-at-least-thirty-two-chars',
    redirectUrl: 'http://localhost:5000/postlogin',
    logoutUrl: 'http://localhost:5000/postlogout'
  })
  t.after(() => app.close())
  const as = (username: string): { 'cognito-access-token': string } =>
    ({ 'cognito-access-token': idp.issueTokens({ username, clientId: client.clientId }).access_token })

  const guest = await app.inject('/')
  assert.equal(guest.statusCode, 200)
  assert.match(guest.body, /not logged in/)
  assert.match((await app.inject({ url: '/', cookies: as('bob') })).body, /Logged in as <strong id="user">bob<\/strong> \(groups: editor\)/)

  const claims = await app.inject({ url: '/claims', cookies: as('carol') })
  assert.equal(claims.statusCode, 200)
  assert.deepEqual(Object.keys(claims.json()), ['claims', 'user_info'])
  assert.equal(claims.json().claims.username, 'carol')

  assert.equal((await app.inject({ url: '/admin', cookies: as('bob') })).statusCode, 403)
  assert.equal((await app.inject({ url: '/admin', cookies: as('alice') })).statusCode, 200)
  assert.equal((await app.inject({ url: '/edit', cookies: as('bob') })).statusCode, 200)
  assert.equal((await app.inject({ url: '/edit', cookies: as('carol') })).statusCode, 403)
  assert.equal((await app.inject({ url: '/claims', headers: { accept: 'text/html' } })).headers.location, '/login?returnTo=%2Fclaims')
  assert.equal(idp.stats.jwksRequests, 1)
})
