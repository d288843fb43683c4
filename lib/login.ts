import { createHash, randomBytes } from 'node:crypto'

/** What the login route keeps in the encrypted session until the callback. */
export interface LoginTransaction {
  state: string
  nonce: string
  /** PKCE code verifier: 64 base64url characters (RFC 7636 allows 43–128). */
  verifier: string
  returnTo?: string
}

const random = (bytes: number): string => randomBytes(bytes).toString('base64url')

export function newLoginTransaction (returnTo?: string): LoginTransaction {
  return { state: random(32), nonce: random(32), verifier: random(48), returnTo }
}

export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url')

export interface AuthorizeRequest {
  authorizeEndpoint: string
  clientId: string
  redirectUri: string
  scopes?: string[]
}

/** The Hosted UI authorize URL for a transaction: code flow, state, nonce and PKCE S256, plus optional Cognito parameters. */
export function authorizeUrl ({ authorizeEndpoint, clientId, redirectUri, scopes }: AuthorizeRequest, tx: LoginTransaction, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state: tx.state,
    nonce: tx.nonce,
    code_challenge: s256(tx.verifier),
    code_challenge_method: 'S256'
  })
  if (scopes !== undefined && scopes.length > 0) params.set('scope', scopes.join(' '))
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) params.set(name, value)
  return `${authorizeEndpoint}?${params}`
}
