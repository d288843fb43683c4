import { appendQuery } from './http.js'
import type { PoolClient } from './pool-config.js'
import type { Pool } from './pool.js'
import { grantScopes } from './tokens.js'

const LANGS = new Set(['de', 'en', 'es', 'fr', 'id', 'it', 'ja', 'ko', 'pt-BR', 'zh-CN', 'zh-TW'])
const PROMPTS = new Set(['none', 'login', 'select_account', 'consent'])
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** An authorize request that passed every check. */
export interface AuthorizeRequest {
  client: PoolClient
  redirectUri: string
  scopes: string[]
  state?: string
  nonce?: string
  codeChallenge?: string
  provider: string
  prompts: Set<string>
  /** OIDC `max_age`: a hosted-UI session older than this many seconds signs in again at the form. */
  maxAge?: number
  lang: string
  loginHint?: string
}

export type Outcome =
  | { ok: true, request: AuthorizeRequest }
  | { ok: false, page: { error: string, description: string } }
  | { ok: false, location: string }

/** Validates an authorize request as Cognito does: client and redirect URI first (error page), the rest redirected back. */
export function parseAuthorize (p: Pool, query: URLSearchParams): Outcome {
  const param = (name: string): string | undefined => query.get(name) ?? undefined
  const clientId = param('client_id')
  const client = clientId === undefined ? undefined : p.config.clients.get(clientId)
  if (client === undefined) return { ok: false, page: { error: 'invalid_request', description: 'client_id is missing or unknown' } }
  const redirectUri = param('redirect_uri')
  if (redirectUri === undefined || !client.callbackUrls.includes(redirectUri)) {
    return { ok: false, page: { error: 'redirect_mismatch', description: 'redirect_uri is not a callback URL of this client' } }
  }
  const state = param('state')
  const fail = (error: string, description: string): Outcome =>
    ({ ok: false, location: appendQuery(redirectUri, { error_description: description, state, error }) })

  const responseType = param('response_type')
  if (responseType === undefined) return fail('invalid_request', 'response_type is missing')
  if (responseType === 'token') return fail('unauthorized_client', 'implicit grant is not enabled for this client')
  if (responseType !== 'code') return fail('unsupported_response_type', 'response_type must be code')
  if (!client.allowedOAuthFlows.includes('code')) return fail('unauthorized_client', 'the code flow is not allowed for this client')

  const scopes = grantScopes(client, param('scope')?.split(/[\s+]+/).filter(Boolean))
  if ('problem' in scopes) return fail('invalid_scope', scopes.problem)

  const codeChallenge = param('code_challenge')
  const method = param('code_challenge_method')
  if (codeChallenge !== undefined || method !== undefined) {
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256')
    if (codeChallenge === undefined || !S256_CHALLENGE.test(codeChallenge)) return fail('invalid_request', 'code_challenge is missing or malformed')
  }

  const idpIdentifier = param('idp_identifier')?.toLowerCase()
  const provider = param('identity_provider') ??
    (idpIdentifier === undefined ? 'COGNITO' : client.identityProviders.find((p) => p.toLowerCase() === idpIdentifier))
  if (provider === undefined || !client.identityProviders.includes(provider)) {
    return fail('invalid_request', 'identity provider is not enabled for this client')
  }

  const prompts = new Set(param('prompt')?.split(' ').filter(Boolean))
  if ([...prompts].some((p) => !PROMPTS.has(p))) return fail('invalid_request', 'prompt is not supported')
  const maxAge = param('max_age')

  const lang = param('lang')
  return {
    ok: true,
    request: {
      client,
      redirectUri,
      scopes,
      state,
      nonce: param('nonce'),
      codeChallenge,
      provider,
      prompts,
      maxAge: maxAge !== undefined && /^\d{1,9}$/.test(maxAge) ? Number(maxAge) : undefined,
      lang: lang !== undefined && LANGS.has(lang) ? lang : 'en',
      loginHint: param('login_hint')
    }
  }
}
