import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from './http.js'
import type { Pool } from './pool.js'

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
