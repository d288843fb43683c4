import type { IncomingMessage, ServerResponse } from 'node:http'
import { basicCredentials, readForm, sameSecret, sendOAuthError } from './http.js'
import type { PoolClient } from './pool-config.js'
import type { Pool } from './pool.js'

/** An OAuth error answer: Cognito's JSON body, 400 unless told. */
export class OAuthError extends Error {
  constructor (readonly error: string, readonly description?: string, readonly status = 400) { super(error) }
}

/** Client authentication as Cognito does it: Basic for clients with a secret (or `client_secret` in the body), `client_id` alone for public ones. */
export function authenticateClient (p: Pool, req: IncomingMessage, form: URLSearchParams, failure = 400): PoolClient {
  const refuse = (): OAuthError => new OAuthError('invalid_client', undefined, failure)
  const basic = basicCredentials(req.headers.authorization)
  if (req.headers.authorization !== undefined && basic === undefined) throw refuse()
  const clientId = basic?.id ?? form.get('client_id')
  if (clientId === null || (basic !== undefined && form.has('client_id') && form.get('client_id') !== basic.id)) throw refuse()
  const client = p.config.clients.get(clientId)
  if (client === undefined) throw refuse()
  const secret = basic?.secret ?? form.get('client_secret')
  if (client.clientSecret === undefined ? secret !== null : secret === null || !sameSecret(secret, client.clientSecret)) throw refuse()
  return client
}

const isForm = (req: IncomingMessage): boolean =>
  (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')

/** Reads the form of an OAuth POST and runs `work` on it; an `OAuthError` it throws becomes Cognito's JSON error. */
export async function answerForm (req: IncomingMessage, res: ServerResponse, work: (form: URLSearchParams) => void): Promise<void> {
  try {
    if (!isForm(req)) throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
    work(await readForm(req))
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err
    sendOAuthError(res, err.error, err.description, err.status)
  }
}

/** A compact JWS (an access or ID token), which the revoke endpoint does not take. */
const JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/

/**
 * POST /oauth2/revoke: ends a refresh token, the tokens rotated from it, and every access token of that login; 200
 * even for an unknown token. Bad client credentials are 401; an access or ID token, `unsupported_token_type`.
 */
export async function revoke (p: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  p.stats.revokeRequests++
  await answerForm(req, res, (form) => {
    const client = authenticateClient(p, req, form, 401)
    if (!client.enableTokenRevocation) throw new OAuthError('invalid_request', 'token revocation is disabled for this client')
    const token = form.get('token')
    if (token === null) throw new OAuthError('invalid_request', 'token is missing')
    if (JWS.test(token)) throw new OAuthError('unsupported_token_type', 'only refresh tokens can be revoked')
    const grant = p.refreshTokens.get(token)
    if (grant !== undefined) {
      if (grant.clientId !== client.clientId) throw new OAuthError('unauthorized_client')
      p.revokeLogin(grant.originJti)
    }
    res.writeHead(200, { 'content-length': '0' }).end()
  })
}
