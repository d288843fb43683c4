import { createPublicKey, verify } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from './http.js'
import type { Pool } from './pool.js'

function bearerError (res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, {
    'www-authenticate': `Bearer error="${error}", error_description="${description}"`
  })
}

type AccessClaims = { token_use?: unknown, iss?: unknown, exp?: unknown, iat?: unknown, scope?: unknown, username?: unknown, origin_jti?: unknown }

/** The emulator's own check of an access token it issued: signature, issuer, use, expiry, revocation. */
function readAccessToken (p: Pool, jwt: string): AccessClaims | string {
  const [header, payload, signature] = jwt.split('.')
  if (header === undefined || payload === undefined || signature === undefined) return 'Invalid access token'
  try {
    const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
    const key = p.publishedKeys().find((k) => k.kid === kid)
    if (key === undefined || alg !== 'RS256') return 'Invalid access token'
    const ok = verify('sha256', Buffer.from(`${header}.${payload}`), createPublicKey({ key: key.jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'))
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessClaims
    if (!ok || claims.token_use !== 'access' || claims.iss !== p.issuer) return 'Invalid access token'
    if (typeof claims.exp !== 'number' || claims.exp <= p.now()) return 'Access token is expired'
    if (typeof claims.origin_jti === 'string' && p.revokedOrigins.has(claims.origin_jti)) return 'Access token has been revoked'
    if (p.signedOut(claims.username, claims.iat)) return 'Access token has been revoked'
    return claims
  } catch {
    return 'Invalid access token'
  }
}

/**
 * GET or POST /oauth2/userInfo: the user's attributes, as strings, for an access token with `openid`. A missing or
 * malformed Authorization header is 400 `invalid_request`; only a bad token is 401 `invalid_token`.
 */
export function userInfo (p: Pool, req: IncomingMessage, res: ServerResponse): void {
  p.stats.userInfoRequests++
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (match === null) return bearerError(res, 400, 'invalid_request', 'Bad OAuth2 request at UserInfo Endpoint')
  const claims = readAccessToken(p, match[1] as string)
  if (typeof claims === 'string') return bearerError(res, 401, 'invalid_token', claims)
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : []
  if (!scopes.includes('openid')) return bearerError(res, 403, 'insufficient_scope', 'Access token does not have the openid scope')
  const user = p.config.users.get(String(claims.username))
  if (user === undefined) return bearerError(res, 401, 'invalid_token', 'User does not exist')
  sendJson(res, 200, {
    sub: user.sub,
    ...(user.email === undefined ? {} : { email_verified: String(user.emailVerified), email: user.email }),
    ...user.attributes,
    username: user.username
  })
}
