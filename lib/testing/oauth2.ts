import { createHash, createPublicKey, verify } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import type { PoolClient } from './config.js'
import { allowAnyOrigin } from './cors.js'
import { basicCredentials, readForm, sameSecret, sendJson, sendOAuthError } from './http.js'
import type { Pool, TokenFault } from './pool.js'

class OAuthError extends Error {
  constructor (readonly error: string, readonly description?: string) { super(error) }
}

/** Client authentication as Cognito does it: Basic for clients with a secret (or `client_secret` in the body), `client_id` alone for public ones. */
function authenticateClient (p: Pool, req: IncomingMessage, form: URLSearchParams): PoolClient {
  const basic = basicCredentials(req.headers.authorization)
  if (req.headers.authorization !== undefined && basic === undefined) throw new OAuthError('invalid_client')
  const clientId = basic?.id ?? form.get('client_id')
  if (clientId === null || (basic !== undefined && form.has('client_id') && form.get('client_id') !== basic.id)) {
    throw new OAuthError('invalid_client')
  }
  const client = p.config.clients.get(clientId)
  if (client === undefined) throw new OAuthError('invalid_client')
  const secret = basic?.secret ?? form.get('client_secret')
  if (client.clientSecret === undefined ? secret !== null : secret === null || !sameSecret(secret, client.clientSecret)) {
    throw new OAuthError('invalid_client')
  }
  return client
}

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url')

function authorizationCodeGrant (p: Pool, client: PoolClient, form: URLSearchParams): object {
  const code = form.get('code')
  if (code === null) throw new OAuthError('invalid_request', 'code is missing')
  const grant = p.codes.get(code)
  if (grant === undefined || grant.clientId !== client.clientId) throw new OAuthError('invalid_grant')
  p.codes.delete(code) // single use, whatever happens next
  if (grant.expiresAt <= p.now() || form.get('redirect_uri') !== grant.redirectUri) throw new OAuthError('invalid_grant')
  if (grant.codeChallenge !== undefined) {
    const verifier = form.get('code_verifier')
    if (verifier === null) throw new OAuthError('invalid_request', 'code_verifier is missing')
    if (s256(verifier) !== grant.codeChallenge) throw new OAuthError('invalid_grant')
  }
  const user = p.config.users.get(grant.username)
  if (user === undefined) throw new OAuthError('invalid_grant')
  return p.login({ user, client, scopes: grant.scopes, authTime: grant.authTime, nonce: grant.nonce })
}

function refreshTokenGrant (p: Pool, client: PoolClient, form: URLSearchParams): object {
  const token = form.get('refresh_token')
  if (token === null) throw new OAuthError('invalid_request', 'refresh_token is missing')
  const grant = p.refreshTokens.get(token)
  if (grant === undefined || grant.clientId !== client.clientId || grant.expiresAt <= p.now()) {
    throw new OAuthError('invalid_grant', 'Invalid Refresh Token')
  }
  const user = p.config.users.get(grant.username)
  if (user === undefined) throw new OAuthError('invalid_grant', 'Invalid Refresh Token')
  const tokens = p.mintUserTokens({ user, client, scopes: grant.scopes, authTime: grant.authTime, originJti: grant.originJti })
  if (client.refreshTokenRotation !== true) return tokens
  p.refreshTokens.delete(token)
  return { ...tokens, refresh_token: p.newRefreshToken(grant) }
}

function clientCredentialsGrant (p: Pool, client: PoolClient, form: URLSearchParams): object {
  if (client.clientSecret === undefined) throw new OAuthError('unauthorized_client')
  const custom = client.scopes.filter((s) => s.includes('/'))
  const requested = form.get('scope')?.split(/\s+/).filter(Boolean) ?? custom
  if (requested.length === 0 || requested.some((s) => !custom.includes(s))) throw new OAuthError('invalid_scope')
  return p.mintClientToken(client, requested)
}

const GRANTS: Record<string, (p: Pool, client: PoolClient, form: URLSearchParams) => object> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant
}

async function playFault (p: Pool, fault: TokenFault, res: ServerResponse): Promise<boolean> {
  if (fault.delayMs !== undefined) {
    // A delay ends early when the emulator closes, so a slow fault never holds up a test's teardown.
    await delay(fault.delayMs, undefined, { signal: p.closing.signal }).catch(() => res.socket?.destroy())
  }
  if (fault.destroy === true || res.socket?.destroyed === true) {
    res.socket?.destroy()
    return true
  }
  if (fault.status === undefined && fault.body === undefined) return false
  res.writeHead(fault.status ?? 500, { 'content-type': fault.contentType ?? 'application/json;charset=UTF-8' })
  res.end(fault.body ?? JSON.stringify({ error: 'server_error' }))
  return true
}

function takeFault (p: Pool): TokenFault | null {
  const fault = p.tokenFault
  if (fault?.times !== undefined && --fault.times <= 0) p.tokenFault = null
  return fault
}

const isForm = (req: IncomingMessage): boolean =>
  (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')

/** POST /oauth2/token */
export async function token (p: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  p.stats.tokenRequests++
  allowAnyOrigin(res)
  const fault = takeFault(p)
  if (fault !== null && await playFault(p, fault, res)) return
  await answer(res, async () => {
    if (!isForm(req)) throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
    const form = await readForm(req)
    const client = authenticateClient(p, req, form)
    const grantType = form.get('grant_type')
    if (grantType === null) throw new OAuthError('invalid_request', 'grant_type is missing')
    const grant = GRANTS[grantType]
    if (grant === undefined) throw new OAuthError('unsupported_grant_type')
    sendJson(res, 200, grant(p, client, form))
  })
}

/** POST /oauth2/revoke: ends a refresh token and every token issued from it; 200 even for an unknown token. */
export async function revoke (p: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  p.stats.revokeRequests++
  await answer(res, async () => {
    if (!isForm(req)) throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
    const form = await readForm(req)
    const client = authenticateClient(p, req, form)
    const refreshToken = form.get('token')
    if (refreshToken === null) throw new OAuthError('invalid_request', 'token is missing')
    const grant = p.refreshTokens.get(refreshToken)
    if (grant !== undefined) {
      if (grant.clientId !== client.clientId) throw new OAuthError('unauthorized_client')
      p.refreshTokens.delete(refreshToken)
      p.revokedOrigins.add(grant.originJti)
    }
    res.writeHead(200, { 'content-length': '0' }).end()
  })
}

async function answer (res: ServerResponse, work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err
    sendOAuthError(res, err.error, err.description)
  }
}

function bearerError (res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, {
    'www-authenticate': `Bearer error="${error}", error_description="${description}"`
  })
}

type AccessClaims = { token_use?: unknown, iss?: unknown, exp?: unknown, scope?: unknown, username?: unknown, origin_jti?: unknown }

/** The emulator's own check of an access token it issued: signature, issuer, use, expiry. */
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
    return claims
  } catch {
    return 'Invalid access token'
  }
}

/** GET or POST /oauth2/userInfo: the user's attributes, as strings, for an access token with `openid`. */
export function userInfo (p: Pool, req: IncomingMessage, res: ServerResponse): void {
  p.stats.userInfoRequests++
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (match === null) return bearerError(res, 401, 'invalid_request', 'Access token is missing')
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

/** GET {issuer}/.well-known/jwks.json */
export function jwks (p: Pool, _req: IncomingMessage, res: ServerResponse): void {
  p.stats.jwksRequests++
  if (!p.jwksAvailable) return sendJson(res, 503, { message: 'Service Unavailable' })
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' })
  res.end(JSON.stringify({ keys: p.publishedKeys().map((k) => k.jwk) }))
}

/** GET {issuer}/.well-known/openid-configuration */
export function discovery (p: Pool, _req: IncomingMessage, res: ServerResponse): void {
  const domain = p.domain
  sendJson(res, 200, {
    authorization_endpoint: `${domain}/oauth2/authorize`,
    end_session_endpoint: `${domain}/logout`,
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: p.issuer,
    jwks_uri: `${p.issuer}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    revocation_endpoint: `${domain}/oauth2/revoke`,
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    token_endpoint: `${domain}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    userinfo_endpoint: `${domain}/oauth2/userInfo`
  })
}
