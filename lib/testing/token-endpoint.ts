import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { allowAnyOrigin } from './cors.js'
import { sendJson } from './http.js'
import { answerForm, authenticateClient, OAuthError } from './oauth2.js'
import type { PoolClient } from './pool-config.js'
import type { Pool, TokenFault } from './pool.js'
import { login, mintClientToken, mintUserTokens } from './tokens.js'

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url')

function allow (client: PoolClient, flow: PoolClient['allowedOAuthFlows'][number]): void {
  if (!client.allowedOAuthFlows.includes(flow)) throw new OAuthError('unauthorized_client', `the ${flow} flow is not allowed for this client`)
}

function authorizationCodeGrant (p: Pool, client: PoolClient, form: URLSearchParams): object {
  allow(client, 'code')
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
  return login(p, { user, client, scopes: grant.scopes, authTime: grant.authTime, nonce: grant.nonce })
}

/** Refresh; with rotation, the new token keeps the old one's absolute expiry and the old one lives on for the grace period. */
function refreshTokenGrant (p: Pool, client: PoolClient, form: URLSearchParams): object {
  const token = form.get('refresh_token')
  if (token === null) throw new OAuthError('invalid_request', 'refresh_token is missing')
  const grant = p.refreshTokens.get(token)
  const user = grant === undefined ? undefined : p.config.users.get(grant.username)
  if (grant === undefined || user === undefined || grant.clientId !== client.clientId || grant.expiresAt <= p.now()) {
    throw new OAuthError('invalid_grant', 'Invalid Refresh Token')
  }
  const tokens = mintUserTokens(p, { user, client, scopes: grant.scopes, authTime: grant.authTime, originJti: grant.originJti })
  if (client.refreshTokenRotation !== true) return tokens
  const rotated = p.newRefreshToken(grant, grant.loginExpiresAt)
  if (client.retryGracePeriodSeconds === 0) p.refreshTokens.delete(token)
  else grant.expiresAt = Math.min(grant.expiresAt, p.now() + client.retryGracePeriodSeconds)
  return { ...tokens, refresh_token: rotated }
}

function clientCredentialsGrant (p: Pool, client: PoolClient, form: URLSearchParams): object {
  allow(client, 'client_credentials')
  const custom = client.scopes.filter((s) => s.includes('/'))
  const requested = form.get('scope')?.split(/\s+/).filter(Boolean) ?? custom
  if (requested.length === 0 || requested.some((s) => !custom.includes(s))) throw new OAuthError('invalid_scope')
  return mintClientToken(p, client, requested)
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

/** POST /oauth2/token */
export async function token (p: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  p.stats.tokenRequests++
  allowAnyOrigin(res)
  const fault = takeFault(p)
  if (fault !== null && await playFault(p, fault, res)) return
  await answerForm(req, res, (form) => {
    const client = authenticateClient(p, req, form)
    const grantType = form.get('grant_type')
    if (grantType === null) throw new OAuthError('invalid_request', 'grant_type is missing')
    const grant = GRANTS[grantType]
    if (grant === undefined) throw new OAuthError('unsupported_grant_type')
    sendJson(res, 200, grant(p, client, form))
  })
}
