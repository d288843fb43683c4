import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startCognitoEmulator, type EmulatorClient } from '../../lib/testing/index.js'
import { authorizeUrl, Browser, codeOf, signIn } from '../helpers/hosted-ui.js'
import { basic, emulator, postForm } from './oauth.js'

const CALLBACK = 'http://localhost:5000/postlogin'
const SECRET = 'grants-client-secret-0123456789abcdefghij'
const web: EmulatorClient = { clientId: 'web', clientSecret: SECRET, callbackUrls: [CALLBACK], logoutUrls: [], scopes: ['openid', 'api/read'] }
const machine: EmulatorClient = { clientId: 'machine', clientSecret: SECRET, callbackUrls: [CALLBACK], logoutUrls: [], scopes: ['api/read'], allowedOAuthFlows: ['client_credentials'] }

test('a code-flow client (the default) gets unauthorized_client for client_credentials', async (t) => {
  const idp = await emulator(t, { clients: [web, machine] })
  const res = await postForm(idp, '/oauth2/token', { grant_type: 'client_credentials', scope: 'api/read' }, { authorization: basic('web', SECRET) })
  assert.equal(res.status, 400)
  assert.equal(res.body.error, 'unauthorized_client')
  assert.throws(() => idp.issueClientToken({ clientId: 'web', scopes: ['api/read'] }), /does not allow client_credentials/)
  assert.equal((await postForm(idp, '/oauth2/token', { grant_type: 'client_credentials' }, { authorization: basic('machine', SECRET) })).status, 200)
  assert.throws(() => idp.issueClientToken({ clientId: 'machine', scopes: ['openid'] }), /not a custom scope/)
})

test('a client_credentials client cannot use the code flow: unauthorized_client at authorize and at the token endpoint', async (t) => {
  const idp = await emulator(t, { clients: [machine, web] })
  const res = await new Browser().fetch(authorizeUrl(idp, { scope: 'api/read' }))
  assert.equal(res.status, 302)
  const location = new URL(String(res.headers.location))
  assert.equal(`${location.origin}${location.pathname}`, CALLBACK)
  assert.equal(location.searchParams.get('error'), 'unauthorized_client')
  // A code issued to another client is no way around it: the grant type is refused before the code is read.
  const webCode = codeOf(await signIn(new Browser(), authorizeUrl(idp, { client_id: 'web', scope: 'openid' })))
  const exchange = await postForm(idp, '/oauth2/token', { grant_type: 'authorization_code', code: webCode, redirect_uri: CALLBACK }, { authorization: basic('machine', SECRET) })
  assert.equal(exchange.body.error, 'unauthorized_client')
  assert.equal((await postForm(idp, '/oauth2/token', { grant_type: 'authorization_code', code: webCode, redirect_uri: CALLBACK }, { authorization: basic('web', SECRET) })).status, 200)
  assert.throws(() => idp.issueTokens({ username: 'alice', clientId: 'machine' }), /does not allow the code flow/)
})

test('clients Cognito would refuse to create are refused at start', async () => {
  await assert.rejects(startCognitoEmulator({ clients: [{ ...machine, allowedOAuthFlows: ['code', 'client_credentials'] }] }), /cannot be combined with code/)
  const { clientSecret: _none, ...publicMachine } = machine
  await assert.rejects(startCognitoEmulator({ clients: [publicMachine] }), /needs a client secret/)
})
