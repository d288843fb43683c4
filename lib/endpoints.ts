import type { ResolvedOptions } from './options.js'

/** Every Cognito URL the plugin calls or sends browsers to, derived once from the options. */
export interface Endpoints {
  authorize: string
  token: string
  revoke: string
  userInfo: string
  logout: string
  jwks: URL
}

/** A pool's JWKS: `{issuer}/.well-known/jwks.json`. */
export const jwksUrl = (issuer: string): URL => new URL(`${issuer}/.well-known/jwks.json`)

export function cognitoEndpoints ({ domain, issuer }: Pick<ResolvedOptions, 'domain' | 'issuer'>): Endpoints {
  return {
    authorize: `${domain}/oauth2/authorize`,
    token: `${domain}/oauth2/token`,
    revoke: `${domain}/oauth2/revoke`,
    userInfo: `${domain}/oauth2/userInfo`,
    logout: `${domain}/logout`,
    jwks: jwksUrl(issuer)
  }
}
