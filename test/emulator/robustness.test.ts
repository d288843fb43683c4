import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { request } from 'undici'
import { startCognitoEmulator, type CognitoEmulator } from '../../lib/testing/index.js'

async function emulator (t: { after: (fn: () => Promise<void>) => void }): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator()
  t.after(() => idp.close())
  return idp
}

/** Sends raw bytes and returns the raw answer: for requests an HTTP client refuses to build. */
async function raw (idp: CognitoEmulator, bytes: string): Promise<string> {
  const { port } = new URL(idp.domain)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes))
    let answer = ''
    socket.on('data', (chunk) => { answer += chunk.toString() })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

const userInfo = async (idp: CognitoEmulator, token: string): Promise<{ status: number, body: Record<string, string> }> => {
  const res = await request(`${idp.domain}/oauth2/userInfo`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.statusCode, body: await res.body.json() as Record<string, string> }
}

test('a request target that is not a URL gets a 400 JSON error and the server keeps serving', async (t) => {
  const idp = await emulator(t)
  const answer = await raw(idp, 'GET //[bad HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  assert.match(answer, /^HTTP\/1\.1 400/)
  assert.match(answer, /"error":"invalid_request"/)
  assert.equal((await request(idp.jwksUri)).statusCode, 200)
})

test('a POST without a content type is invalid_request; a body-only fault answers 500', async (t) => {
  const idp = await emulator(t)
  const res = await request(`${idp.domain}/oauth2/token`, { method: 'POST', body: 'grant_type=x' })
  assert.equal(res.statusCode, 400)
  assert.equal((await res.body.json() as { error: string }).error, 'invalid_request')
  idp.setTokenFault({ body: 'not json' })
  const fault = await request(`${idp.domain}/oauth2/token`, { method: 'POST' })
  assert.equal(fault.statusCode, 500)
  assert.equal(await fault.body.text(), 'not json')
})

test('a deleted user can no longer refresh or read userInfo', async (t) => {
  const idp = await emulator(t)
  const tokens = idp.issueTokens({ username: 'bob' })
  idp.deleteUser('bob')
  assert.ok(!idp.users.some((u) => u.username === 'bob'))
  const client = idp.clients[0]
  const res = await request(`${idp.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client?.clientId}:${client?.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }).toString()
  })
  assert.equal((await res.body.json() as { error: string }).error, 'invalid_grant')
  assert.equal((await userInfo(idp, tokens.access_token)).body.error_description, 'User does not exist')
})

test('userInfo refuses tokens under an unknown kid or another alg, and tokens with no scope', async (t) => {
  const idp = await emulator(t)
  const claims = { token_use: 'access', iss: idp.issuer, exp: Math.floor(Date.now() / 1000) + 60, username: 'alice', scope: 'openid' }
  assert.equal((await userInfo(idp, idp.sign(claims, { header: { kid: 'unknown', alg: 'RS256' } }))).status, 401)
  assert.equal((await userInfo(idp, idp.sign(claims, { header: { kid: idp.clients.length, alg: 'HS256' } }))).status, 401)
  const { scope: _none, ...scopeless } = claims
  assert.equal((await userInfo(idp, idp.sign(scopeless))).status, 403)
  const carol = await userInfo(idp, idp.issueTokens({ username: 'carol' }).access_token)
  assert.equal(carol.body.email, 'carol@example.com')
  assert.equal(carol.body.email_verified, 'false')
})

test('the CLI starts the emulator and prints its configuration', async () => {
  const { spawn } = await import('node:child_process')
  const cli = new URL('../../lib/testing/cli.js', import.meta.url)
  const child = spawn(process.execPath, [cli.pathname, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  for await (const chunk of child.stdout) {
    out += String(chunk)
    if (out.includes('Users')) break
  }
  child.kill('SIGTERM')
  assert.match(out, /AWS_COGNITO_DOMAIN=http:\/\/127\.0\.0\.1:\d+/)
  assert.match(out, /AWS_COGNITO_ISSUER=http:\/\/127\.0\.0\.1:\d+\/us-east-1_Emulat0r/)
  assert.match(out, /alice \[admin\]/)
})
