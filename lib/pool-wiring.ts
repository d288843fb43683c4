import { AccessTokens } from './access-tokens.js'
import { authHandlers, type AuthHandlers } from './auth-required.js'
import { ClientCredentials } from './client-credentials.js'
import { cognitoApi, type CognitoApi } from './cognito-api.js'
import { CookieStore } from './cookies.js'
import { cognitoEndpoints, type Endpoints } from './endpoints.js'
import { loginFlow } from './flow.js'
import { LoginState } from './login-state.js'
import { markedHandlers } from './openapi.js'
import type { ResolvedOptions } from './options.js'
import { poolRestricted, PoolVerifiers } from './pools.js'
import { Refresher } from './refresh.js'
import { cookieOptions, type CookieNames, type SessionCodec } from './session.js'
import { TokenClient } from './token-client.js'
import { CognitoVerifier } from './verifier.js'

/** What the app's routes and decorators use of one user pool's login. */
export interface PoolWiring {
  endpoints: Endpoints
  handlers: AuthHandlers
  cognito: CognitoApi
}

/**
 * Builds, once at registration, everything one pool's login needs: its endpoints, token client, verifiers, refresher,
 * cookies, verified-token cache, flow, guards and `app.cognito`. Called for the app's pool, or for each tenant's.
 */
export function wirePool (options: ResolvedOptions, codec: SessionCodec, names: CookieNames): PoolWiring {
  const endpoints = cognitoEndpoints(options)
  const { clientId, clientSecret, requestTimeout: timeout, dispatcher } = options
  const tokenClient = new TokenClient({ endpoints, clientId, clientSecret, timeout, dispatcher })
  const verifier = new CognitoVerifier({ issuer: options.issuer, clientId, jwksUri: endpoints.jwks, leeway: options.expirationLeeway, timeout, dispatcher })
  const refresher = new Refresher(tokenClient, verifier, new Set([clientId]))
  const state = new LoginState(new CookieStore(cookieOptions(options)), codec, options.refreshCookieMaxAge, names)

  const accessTokens = new AccessTokens(new PoolVerifiers(options.pools, verifier, { leeway: options.expirationLeeway, timeout, dispatcher }), { clientId, leeway: options.expirationLeeway, refreshLifetime: options.refreshCookieMaxAge })
  const handlers = markedHandlers(poolRestricted(authHandlers({ options, accessTokens, tokenClient, refresher, state }), options.pools))
  const flow = loginFlow({ options, endpoints, tokenClient, verifier, refresher, state, accessTokens, identities: handlers })
  const machine = options.machineClient ?? { clientId, clientSecret }
  const clientCredentials = new ClientCredentials(new TokenClient({ endpoints, ...machine, timeout, dispatcher }))
  const cognito = cognitoApi({ options, flow, clientCredentials })
  return { endpoints, handlers, cognito }
}
