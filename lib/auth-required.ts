import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify'
import type { AccessTokens } from './access-tokens.js'
import { admission, denied, isBrowserNavigation, REPLIED, type AuthRequiredOptions, type Verdict } from './admission.js'
import { deferLogin, loginLocation } from './auth-compose.js'
import { UnauthenticatedError } from './errors.js'
import { about, publish } from './events.js'
import type { FlowIdentities } from './flow.js'
import { runNotice } from './hooks.js'
import { Identity, LoggedIn, type UserInfoSource } from './identity.js'
import { loginIdOf } from './login-id.js'
import type { LoginState } from './login-state.js'
import type { ResolvedOptions } from './options.js'
import type { Refresher } from './refresh.js'
import { RefreshRejected, type TokenClient } from './token-client.js'
import { TokenRejected, type AccessTokenClaims } from './verifier.js'

export type { AuthRequiredOptions }

export interface AuthDeps {
  options: ResolvedOptions
  accessTokens: AccessTokens
  tokenClient: TokenClient
  refresher: Refresher
  state: LoginState
}

/** The token a request presents, and the clients it may belong to. */
interface Presented {
  token: string | undefined
  clientIds: ReadonlySet<string>
  bearer: boolean
}

/** Who the request is, or how it failed: no credentials, a refused cookie, or a refused bearer token. */
type Outcome = { identity: Identity } | { failed: 'none' | 'cookie' | 'bearer' }

/** The token of `Authorization: Bearer <token>` (the scheme in any case), or undefined. */
function bearerOf (header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8 || header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== 'bearer') return undefined
  const token = header.slice(7).trim()
  return token === '' ? undefined : token
}

export interface AuthHandlers extends FlowIdentities {
  authRequired: (options?: AuthRequiredOptions) => preHandlerHookHandler
  authOptional: () => preHandlerAsyncHookHandler
}

/** Builds `app.authRequired` (each call checks its options once) and `app.authOptional`. */
export function authHandlers (deps: AuthDeps): AuthHandlers {
  const { options, accessTokens, tokenClient, refresher, state } = deps
  const ownClient = new Set([options.clientId])
  const userPoolIds = new Map(options.pools.map((pool) => [pool.issuer, pool.userPoolId]))

  /** User info from the session, only when the session belongs to the same login as the token. */
  function userInfoFor (request: FastifyRequest, claims: AccessTokenClaims): Record<string, unknown> {
    const login = state.session(request)?.login
    if (login === undefined || login.sub !== claims.sub || login.loginId !== loginIdOf(claims)) return {}
    return login.userInfo
  }

  const userInfoSource: UserInfoSource = {
    stored: (request, claims) => request === undefined ? {} : userInfoFor(request, claims),
    fetch: async (accessToken) => await tokenClient.userInfo(accessToken),
    exposeTokens: options.exposeTokens,
    userPoolIds
  }

  /** Renews the login with the refresh cookie; clears every cookie when Cognito refuses the refresh token. */
  async function refresh (request: FastifyRequest, reply: FastifyReply): Promise<Identity | undefined> {
    const refresh = state.refreshToken(request)
    if (refresh === undefined) return undefined
    try {
      // A login ended by logout is never renewed: not its refresh cookie, nor a refresh result shared with it.
      if (await accessTokens.isRefreshEnded(refresh)) throw new RefreshRejected()
      const { tokens, claims, userInfo } = await refresher.refresh(refresh.token)
      if (await accessTokens.refreshRefused(refresh, claims)) throw new RefreshRejected()
      const login = { sub: claims.sub, loginId: loginIdOf(claims), userInfo: userInfo ?? userInfoFor(request, claims) }
      state.save(request, reply, { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, login })
      await state.flush(request)
      request.log.debug({ sub: claims.sub }, 'fastify-cognito-auth: access token refreshed')
      const renewed = new Identity(claims, userInfoSource, tokens.access_token, request, login.userInfo)
      publish('refresh', () => about(request, renewed))
      const { onRefresh } = options.hooks
      await runNotice(request, 'onRefresh', onRefresh === undefined ? undefined : () => onRefresh(request, { identity: renewed as never }))
      return renewed
    } catch (err) {
      publish('refresh-failed', () => ({ ...about(request), code: (err as { code?: string }).code ?? 'FST_COGNITO_UNAUTHENTICATED' }))
      if (!(err instanceof RefreshRejected || err instanceof TokenRejected)) throw err
      request.log.debug('fastify-cognito-auth: refresh refused; the login is over')
      state.clear(request, reply)
      return undefined
    }
  }

  /** The token the request presents: a bearer token when accepted and sent, else the access-token cookie. Read once per request. */
  function presented (request: FastifyRequest): Presented {
    const bearer = options.bearerTokens ? bearerOf(request.headers.authorization) : undefined
    if (bearer !== undefined) return { token: bearer, clientIds: options.bearerClientIds, bearer: true }
    return { token: state.accessToken(request), clientIds: ownClient, bearer: false }
  }

  /** Bearer callers have no session, so no user info; cookie callers' is read from the session on first use. */
  const identity = (claims: AccessTokenClaims, { token, bearer }: Presented, request: FastifyRequest): Identity =>
    new Identity(claims, userInfoSource, token as string, bearer ? undefined : request)

  /** The caller at once, when their token is one this process has verified: no await on the common path. */
  function cachedIdentity (request: FastifyRequest, credentials: Presented): Identity | undefined {
    const claims = credentials.token === undefined ? undefined : accessTokens.cached(credentials.token, credentials.clientIds)
    return claims === undefined ? undefined : identity(claims, credentials, request)
  }

  async function authenticate (request: FastifyRequest, reply: FastifyReply, credentials = presented(request)): Promise<Outcome> {
    const { token, clientIds, bearer } = credentials
    let expired = token === undefined
    if (token !== undefined) {
      try {
        return { identity: identity(await accessTokens.claims(token, clientIds), credentials, request) }
      } catch (err) {
        if (!(err instanceof TokenRejected)) throw err
        request.log.debug({ reason: err.message }, 'fastify-cognito-auth: access token refused')
        if (bearer) return { failed: 'bearer' }
        expired = err.expired
      }
    }
    const renewed = options.refreshFlow && expired ? await refresh(request, reply) : undefined
    if (renewed !== undefined) return { identity: renewed }
    return { failed: token === undefined ? 'none' : 'cookie' }
  }

  async function deny (request: FastifyRequest, reply: FastifyReply, failed: 'none' | 'cookie' | 'bearer'): Promise<void> {
    if (failed === 'cookie') state.clearAccessToken(request, reply)
    const location = loginLocation(options.loginPath, request)
    if (failed !== 'bearer' && isBrowserNavigation(request) && !deferLogin(request, location)) {
      denied(request, null, new UnauthenticatedError())
      reply.header('cache-control', 'no-store').redirect(location)
      return
    }
    reply.header('www-authenticate', failed === 'none' ? 'Bearer' : 'Bearer error="invalid_token"')
    throw denied(request, null, new UnauthenticatedError())
  }

  function testIdentity (): Identity {
    const { username, sub, groups, scope, userInfo } = options.disabledIdentity
    const now = Math.floor(Date.now() / 1000)
    const claims = { sub, username, client_id: options.clientId, token_use: 'access' as const, scope, 'cognito:groups': groups, iss: options.issuer, iat: now, exp: now + 3600 }
    const info = { sub, ...userInfo }
    return new Identity(claims, { stored: () => info, fetch: async () => info, exposeTokens: false, userPoolIds }, '')
  }

  function authRequired (routeOptions: AuthRequiredOptions = {}): preHandlerHookHandler {
    const admit = admission(routeOptions, options.loginPath)
    if (options.disabled) {
      return function cognitoTestMode (request, _reply, done) {
        request.cognito = testIdentity() as FastifyRequest['cognito']
        done()
      }
    }

    /** The verdict on an authentication outcome: an error, undefined to pass, or `REPLIED` when the request was answered. */
    async function decide (request: FastifyRequest, reply: FastifyReply, outcome: Outcome, bearer: boolean): Promise<Verdict> {
      if ('identity' in outcome) return admit(request, reply, outcome.identity, bearer)
      await deny(request, reply, outcome.failed)
      return REPLIED
    }

    // A callback hook, so a token already verified here passes without a promise; the rest takes the async path.
    // Every exception, thrown or rejected, reaches `done` exactly once: nothing is left unanswered.
    function check (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
      let verdict: Verdict
      try {
        const credentials = presented(request)
        const known = cachedIdentity(request, credentials)
        if (known === undefined) {
          authenticate(request, reply, credentials)
            .then(async (outcome) => await decide(request, reply, outcome, credentials.bearer))
            .then((result) => { if (result !== REPLIED) done(result) }, done)
          return
        }
        verdict = admit(request, reply, known, credentials.bearer)
      } catch (err) {
        verdict = err as Error
      }
      if (verdict !== REPLIED) done(verdict)
    }

    // Server sessions are read first (from memory when known here); cookie sessions have nothing to wait for.
    return function cognitoAuthRequired (request, reply, done) {
      const loading = state.prepare(request)
      if (loading === undefined) check(request, reply, done)
      else loading.then(() => { check(request, reply, done) }, done)
    }
  }

  /** Fills `request.cognito` when the caller is logged in, and lets everyone through. */
  function authOptional (): preHandlerAsyncHookHandler {
    if (options.disabled) return async function cognitoTestMode (request) { request.cognito = testIdentity() as FastifyRequest['cognito'] }
    return async function cognitoAuthOptional (request, reply) {
      await state.prepare(request)
      const outcome = await authenticate(request, reply)
      if ('identity' in outcome) request.cognito = outcome.identity as FastifyRequest['cognito']
      else if (outcome.failed === 'cookie') state.clearAccessToken(request, reply)
    }
  }

  const loginIdentity: FlowIdentities['loginIdentity'] = ({ claims, accessToken, userInfo, returnTo }, request) =>
    new LoggedIn(claims, userInfoSource, accessToken, request, userInfo, returnTo)

  /** The logged-in caller of a request from the plugin's own cookie, without refreshing; null when there is none. */
  async function currentIdentity (request: FastifyRequest): Promise<Identity | null> {
    const token = state.accessToken(request)
    if (token === undefined) return null
    return identity(await accessTokens.claims(token, ownClient), { token, clientIds: ownClient, bearer: false }, request)
  }

  return { authRequired, authOptional, loginIdentity, currentIdentity }
}
