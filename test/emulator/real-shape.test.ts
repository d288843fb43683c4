import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { emulator } from './oauth.js'

/** Tokens a real Cognito pool issued in 2022 (Hosted UI, code flow), kept as data. */
const sample = JSON.parse(readFileSync(new URL('../../../test/fixtures/real-pool-2022.json', import.meta.url), 'utf8'))

interface Decoded { header: Record<string, unknown>, payload: Record<string, unknown>, rawPayload: string }

function decode (jwt: string): Decoded {
  const [header, payload] = jwt.split('.').map((part) => Buffer.from(part, 'base64url').toString('utf8'))
  return { header: JSON.parse(header as string), payload: JSON.parse(payload as string), rawPayload: payload as string }
}

const typeOf = (value: unknown): string => Array.isArray(value) ? `array of ${[...new Set(value.map(typeOf))].join('|')}` : typeof value
const shape = (claims: Record<string, unknown>): Array<[string, string]> => Object.entries(claims).map(([name, value]) => [name, typeOf(value)])

test('emulated access and ID tokens have the real ones\' header fields, claim names, claim order and value types', async (t) => {
  const idp = await emulator(t)
  // alice is, like the sample's user, in one group and has an email; the sample's login sent a nonce.
  const tokens = idp.issueTokens({ username: 'alice', nonce: 'n-0' })
  for (const [name, real, emulated] of [['access', sample.accessToken, tokens.access_token], ['id', sample.idToken, tokens.id_token]] as const) {
    const r = decode(real)
    const e = decode(emulated as string)
    assert.deepEqual(Object.keys(e.header), Object.keys(r.header), `${name} header fields`)
    assert.equal(e.header.alg, r.header.alg)
    assert.match(e.header.kid as string, /^[A-Za-z0-9+/]{43}=$/)
    assert.match(r.header.kid as string, /^[A-Za-z0-9+/]{43}=$/)
    assert.deepEqual(shape(e.payload), shape(r.payload), `${name} claims, in order, with their types`)
    // Cognito escapes the slashes of its JSON: the issuer reads https:\/\/cognito-idp… in the raw payload.
    assert.match(r.rawPayload, /"iss":"https:\\\/\\\//)
    assert.match(e.rawPayload, /"iss":"http:\\\/\\\//)
  }
})

test('refresh tokens are JWE-shaped and as long as real ones (about 1,750 characters)', async (t) => {
  const idp = await emulator(t)
  const token = idp.issueTokens({ username: 'alice' }).refresh_token as string
  const parts = token.split('.')
  assert.equal(parts.length, 5)
  assert.deepEqual(JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString()), { cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' })
  // RSA-OAEP-wrapped key (256 bytes), 96-bit IV, 128-bit tag, as A256GCM under a 2048-bit key gives.
  assert.deepEqual([parts[1]?.length, parts[2]?.length, parts[4]?.length], [342, 16, 22])
  assert.ok(token.length >= 1700 && token.length <= 1800, `length ${token.length}`)
})
