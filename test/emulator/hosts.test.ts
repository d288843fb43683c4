import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fetch, request } from 'undici'
import { basic, claimsOf, emulator, postForm } from './oauth.js'

const AWS = { hosts: 'aws', region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', domainPrefix: 'shop' } as const

test('in aws mode the pool issues Cognito\'s real issuer and domain, and pluginOptions leaves the issuer to the plugin\'s default', async (t) => {
  const idp = await emulator(t, AWS)
  assert.equal(idp.issuer, 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123')
  assert.equal(idp.domain, 'https://shop.auth.eu-west-1.amazoncognito.com')
  assert.equal(idp.jwksUri, `${idp.issuer}/.well-known/jwks.json`)
  assert.match(idp.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const options = idp.pluginOptions()
  assert.equal(options.issuer, undefined)
  assert.equal(options.domain, idp.domain)
  assert.equal(options.dispatcher, idp.dispatcher())
  assert.equal(claimsOf(idp.issueTokens({ username: 'alice' }).access_token).iss, idp.issuer)
  const defaults = await emulator(t, { hosts: 'aws' })
  assert.equal(defaults.domain, 'https://emulator.auth.us-east-1.amazoncognito.com')
})

test('the dispatcher takes the issuer host to the JWKS and discovery, and the domain to the OAuth endpoints', async (t) => {
  const idp = await emulator(t, AWS)
  const dispatcher = idp.dispatcher()
  const jwks = await request(idp.jwksUri, { dispatcher })
  assert.equal(jwks.statusCode, 200)
  assert.equal((await jwks.body.json() as { keys: unknown[] }).keys.length, 2)
  const discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`, { dispatcher })).json() as Record<string, string>
  assert.equal(discovery.issuer, idp.issuer)
  assert.equal(discovery.token_endpoint, 'https://shop.auth.eu-west-1.amazoncognito.com/oauth2/token')
  const client = idp.clients[0] as { clientId: string, clientSecret: string }
  const refresh = idp.issueTokens({ username: 'bob' }).refresh_token as string
  const token = await postForm(idp, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: refresh }, { authorization: basic(client.clientId, client.clientSecret) }, dispatcher)
  assert.equal(token.status, 200)
  const userInfo = await request(`${idp.domain}/oauth2/userInfo`, { dispatcher, headers: ['authorization', `Bearer ${token.body.access_token as string}`, 'host', 'ignored.example'] })
  assert.equal(userInfo.statusCode, 200)
  assert.equal((await userInfo.body.json() as { username: string }).username, 'bob')
  const form = await request(`${idp.domain}/oauth2/authorize?client_id=${client.clientId}`, { dispatcher, headers: new Map([['accept', 'text/html']]) })
  assert.equal(form.statusCode, 400)
  assert.match(await form.body.text(), /error=redirect_mismatch/)
})

test('each host serves only its own part, as on AWS: no JWKS on the domain, no OAuth endpoints on the issuer host', async (t) => {
  const idp = await emulator(t, AWS)
  const dispatcher = idp.dispatcher()
  const wrongJwks = await request(`${idp.domain}/${idp.userPoolId}/.well-known/jwks.json`, { dispatcher })
  assert.equal(wrongJwks.statusCode, 404)
  await wrongJwks.body.dump()
  const onIssuer = await request('https://cognito-idp.eu-west-1.amazonaws.com/oauth2/token', { dispatcher, method: 'POST' })
  assert.equal(onIssuer.statusCode, 404)
  await onIssuer.body.dump()
  assert.equal(idp.stats.jwksRequests, 0)
  assert.equal(idp.stats.tokenRequests, 0)
})

test('the dispatcher lets loopback through and refuses every other origin, so a test never reaches AWS', async (t) => {
  const idp = await emulator(t, AWS)
  const dispatcher = idp.dispatcher()
  const local = await request(`${idp.url}/${idp.userPoolId}/.well-known/jwks.json`, { dispatcher })
  assert.equal(local.statusCode, 200)
  await local.body.dump()
  for (const href of ['https://cognito-idp.us-east-1.amazonaws.com/x/.well-known/jwks.json', 'http://cognito-idp.eu-west-1.amazonaws.com/', 'https://example.com/']) {
    await assert.rejects(request(href, { dispatcher }), /does not go to/, href)
  }
  await assert.rejects(fetch('https://example.com/', { dispatcher }))
})

test('in loopback mode the dispatcher still works, and pluginOptions names the issuer', async (t) => {
  const idp = await emulator(t)
  assert.equal(idp.domain, idp.url)
  const res = await request(idp.jwksUri, { dispatcher: idp.dispatcher() })
  assert.equal(res.statusCode, 200)
  await res.body.dump()
  assert.equal(idp.pluginOptions().issuer, idp.issuer)
})
