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
import { RevocationCheck } from './revocation-check.js'
import { cookieOptions, type CookieNames, type SessionCodec } from './session.js'
import { ServerLoginState } from './sessions/server-state.js'
import type { SharedState } from './store/setup.js'
import { TokenClient } from './token-client.js'
import { CognitoVerifier } from './verifier.js'

/** What the app's routes and decorators use of one user pool's login. */
export interface PoolWiring {
  endpoints: Endpoints
  handlers: AuthHandlers
  cognito: CognitoApi
}

/** The browser's login state: sealed cookies, or (`sessions: 'server'`) a sealed id in a cookie and the rest in Redis. */
function loginState (options: ResolvedOptions, codec: SessionCodec, names: CookieNames, shared: SharedState, tenant: string | undefined): LoginState {
  const cookies = new CookieStore(cookieOptions(options))
  return shared.records === undefined
    ? new LoginState(cookies, codec, options.refreshCookieMaxAge, names)
    : new ServerLoginState(cookies, codec, names, shared.records, shared.sealer, shared.sessionLifetime, options.tokenCacheSize, tenant)
}

/**
 * Builds, once at registration, everything one pool's login needs: its endpoints, token client, verifiers, refresher,
 * cookies, verified-token cache, flow, guards and `app.cognito`. Called for the app's pool, or for each tenant's; the
 * shared store (`shared`, one per app) is every pool's, its keys unique per pool (login ids, refresh-token digests).
 */
export function wirePool (options: ResolvedOptions, codec: SessionCodec, names: CookieNames, shared: SharedState, tenant?: string): PoolWiring {
  const endpoints = cognitoEndpoints(options)
  const { clientId, clientSecret, requestTimeout: timeout, dispatcher } = options
  const { store } = shared
  const tokenClient = new TokenClient({ endpoints, clientId, clientSecret, timeout, dispatcher })
  const verifier = new CognitoVerifier({ issuer: options.issuer, clientId, jwksUri: endpoints.jwks, leeway: options.expirationLeeway, timeout, dispatcher })
  const refresher = new Refresher(tokenClient, verifier, new Set([clientId]), store)
  const state = loginState(options, codec, names, shared, tenant)

  const revocation = options.revocationCheck === 0 ? undefined : new RevocationCheck(options.revocationCheck * 1000, tokenClient, store)
  const accessTokens = new AccessTokens(new PoolVerifiers(options.pools, verifier, { leeway: options.expirationLeeway, timeout, dispatcher }), {
    clientId, leeway: options.expirationLeeway, refreshLifetime: options.refreshCookieMaxAge, cacheSize: options.tokenCacheSize, store, revocation
  })
  const handlers = markedHandlers(poolRestricted(authHandlers({ options, accessTokens, tokenClient, refresher, state }), options.pools))
  const flow = loginFlow({ options, endpoints, tokenClient, verifier, refresher, state, accessTokens, identities: handlers })
  const machine = options.machineClient ?? { clientId, clientSecret }
  const clientCredentials = new ClientCredentials(new TokenClient({ endpoints, ...machine, timeout, dispatcher }))
  const endSessions = async (sub: string): Promise<void> => {
    await accessTokens.endUser(sub)
    await shared.records?.deleteUser(sub)
  }
  const cognito = cognitoApi({ options, flow, clientCredentials, state, endSessions })
  return { endpoints, handlers, cognito }
}
