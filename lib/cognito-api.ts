import type { ClientCredentials, ClientCredentialsOptions } from './client-credentials.js'

/** `app.cognito`: what the app asks of its user pool itself, outside any request. */
export interface CognitoApi {
  /**
   * An access token from the pool's `client_credentials` grant, for the app's own calls to other APIs. Cached until
   * shortly before it expires, renewed ahead of that, and one token request at most in flight per scope set.
   * @example
   * const token = await app.cognito.clientCredentials({ scopes: ['orders/read'] })
   * await fetch('https://orders.example.com/', { headers: { authorization: `Bearer ${token}` } })
   */
  clientCredentials: (options?: ClientCredentialsOptions) => Promise<string>
}

/** The parts `app.cognito` is built from; each member of the API is one line over one of them. */
export interface CognitoApiParts {
  clientCredentials: ClientCredentials
}

/** Builds the `app.cognito` object. */
export function cognitoApi (parts: CognitoApiParts): CognitoApi {
  return {
    clientCredentials: async (options) => await parts.clientCredentials.token(options)
  }
}
