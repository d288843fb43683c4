import { createHash, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'

const generateRsa = promisify(generateKeyPair)

/** One RS256 signing key of the emulated user pool. */
export interface SigningKey {
  kid: string
  privateKey: KeyObject
  /** The public half as a JWK, as Cognito's jwks.json lists it. */
  jwk: { alg: 'RS256', e: string, kid: string, kty: 'RSA', n: string, use: 'sig' }
}

/** A kid in Cognito's shape: 32 bytes in standard base64, so it carries `=` and, here always, `+` and `/`. */
function cognitoKid (): string {
  for (;;) {
    const kid = randomBytes(32).toString('base64')
    if (kid.includes('+') && kid.includes('/')) return kid
  }
}

export async function createSigningKey (): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 })
  const kid = cognitoKid()
  const { n, e } = publicKey.export({ format: 'jwk' })
  return { kid, privateKey, jwk: { alg: 'RS256', e: e as string, kid, kty: 'RSA', n: n as string, use: 'sig' } }
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url')

/** Cognito's token JSON escapes forward slashes (`https:\/\/cognito-idp…`); so does the emulator's. */
const cognitoJson = (value: unknown): string => JSON.stringify(value).replaceAll('/', '\\/')

/** Signs a compact JWS with RS256; header and payload are taken as given, so tests can forge odd tokens too. */
export function signJwt (key: SigningKey, payload: object, header: object = { kid: key.kid, alg: 'RS256' }): string {
  const input = `${b64url(cognitoJson(header))}.${b64url(cognitoJson(payload))}`
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
}

/** OIDC `at_hash`: the left half of the access token's SHA-256, base64url. */
export function atHash (accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url')
}

/** Bytes of ciphertext that make a refresh token as long as Cognito's: 1,750 characters in all. */
const REFRESH_CIPHERTEXT_BYTES = 978

/** Cognito refresh tokens are opaque JWEs: five dot-separated parts behind an RSA-OAEP header, about 1,750 characters. */
export function opaqueRefreshToken (): string {
  const header = b64url(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' }))
  return [header, b64url(randomBytes(256)), b64url(randomBytes(12)), b64url(randomBytes(REFRESH_CIPHERTEXT_BYTES)), b64url(randomBytes(16))].join('.')
}
