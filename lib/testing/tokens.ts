import { randomUUID } from 'node:crypto'
import { atHash, signJwt } from './keys.js'
import type { PoolClient, PoolUser } from './pool-config.js'
import type { Pool } from './pool.js'

export interface TokenSet {
  access_token: string
  id_token?: string
  refresh_token?: string
  expires_in: number
  token_type: 'Bearer'
}

export interface MintInput {
  user: PoolUser
  client: PoolClient
  scopes: string[]
  authTime: number
  originJti: string
  nonce?: string
}

/** OIDC scopes Cognito grants only next to `openid`. */
const NEEDS_OPENID = ['email', 'phone', 'profile']

/**
 * The scopes a sign-in grants, as Cognito decides them: all the client's (custom ones included) when none were asked
 * for; otherwise a problem naming the scope it cannot grant.
 */
export function grantScopes (client: PoolClient, requested: string[] | undefined): string[] | { problem: string } {
  const scopes = requested ?? client.scopes
  const unknown = scopes.find((s) => !client.scopes.includes(s))
  if (unknown !== undefined) return { problem: `scope ${unknown} is not allowed for this client` }
  const orphan = scopes.find((s) => NEEDS_OPENID.includes(s))
  if (orphan !== undefined && !scopes.includes('openid')) return { problem: `scope ${orphan} needs openid` }
  return scopes
}

/** `jti` and `origin_jti` exist only where the client has token revocation on, as on Cognito. */
function revocationClaims (client: PoolClient, claim: 'jti' | 'origin_jti', value: string): Record<string, string> {
  return client.enableTokenRevocation ? { [claim]: value } : {}
}

/** Access token, and an ID token when `openid` was granted, shaped as Cognito issues them. */
export function mintUserTokens (p: Pool, { user, client, scopes, authTime, originJti, nonce }: MintInput): TokenSet {
  const iat = p.now()
  const eventId = randomUUID()
  const groups = user.groups.length > 0 ? { 'cognito:groups': user.groups } : {}
  const accessToken = signJwt(p.accessKey, {
    sub: user.sub,
    ...groups,
    iss: p.issuer,
    version: 2,
    client_id: client.clientId,
    ...revocationClaims(client, 'origin_jti', originJti),
    event_id: eventId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: authTime,
    exp: iat + p.config.ttl.access,
    iat,
    ...revocationClaims(client, 'jti', randomUUID()),
    username: user.username
  })
  const tokens: TokenSet = { access_token: accessToken, expires_in: p.config.ttl.access, token_type: 'Bearer' }
  if (scopes.includes('openid')) {
    tokens.id_token = signJwt(p.idKey, {
      at_hash: atHash(accessToken),
      sub: user.sub,
      ...groups,
      ...(user.email === undefined ? {} : { email_verified: user.emailVerified }),
      iss: p.issuer,
      'cognito:username': user.username,
      ...(nonce === undefined ? {} : { nonce }),
      ...revocationClaims(client, 'origin_jti', originJti),
      aud: client.clientId,
      event_id: eventId,
      token_use: 'id',
      auth_time: authTime,
      exp: iat + p.config.ttl.id,
      iat,
      ...revocationClaims(client, 'jti', randomUUID()),
      ...(user.email === undefined ? {} : { email: user.email }),
      ...user.attributes
    })
  }
  return tokens
}

/** Everything a completed sign-in yields: access, ID (with `openid`) and a new refresh token sharing one `origin_jti`. */
export function login (p: Pool, input: Omit<MintInput, 'originJti'>): TokenSet {
  const originJti = randomUUID()
  const tokens = mintUserTokens(p, { ...input, originJti })
  const grant = { clientId: input.client.clientId, username: input.user.username, scopes: input.scopes, authTime: input.authTime, originJti }
  return { ...tokens, refresh_token: p.newRefreshToken(grant) }
}

/** A machine-to-machine access token: no user, custom scopes only. */
export function mintClientToken (p: Pool, client: PoolClient, scopes: string[]): TokenSet {
  const iat = p.now()
  const accessToken = signJwt(p.accessKey, {
    sub: client.clientId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: iat,
    iss: p.issuer,
    exp: iat + p.config.ttl.access,
    iat,
    version: 2,
    ...revocationClaims(client, 'jti', randomUUID()),
    client_id: client.clientId
  })
  return { access_token: accessToken, expires_in: p.config.ttl.access, token_type: 'Bearer' }
}
