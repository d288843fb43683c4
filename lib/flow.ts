import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AccessTokens } from './access-tokens.js'
import type { Endpoints } from './endpoints.js'
import { InvalidTokenError, LoginDeniedError, MissingCodeError } from './errors.js'
import { invalidState } from './invalid-state.js'
import { loginIdOf } from './login-id.js'
import { authorizeUrl, newLoginTransaction } from './login.js'
import type { LoginState } from './login-state.js'
import { AUTHORIZE_PARAMS, type AuthorizeParams, type ResolvedOptions } from './options.js'
import type { Refresher } from './refresh.js'
import { safeReturnTo } from './return-to.js'
import { isCrossSite } from './same-site.js'
import { userInfoFrom } from './session.js'
import type { TokenClient } from './token-client.js'
import { TokenRejected, type AccessTokenClaims, type CognitoVerifier } from './verifier.js'
import type { LoginIdentity } from './cognito-api.js'
import { about, publish } from './events.js'
import { loginTokens, runNotice, runOnLogin } from './hooks.js'
import type { Identity } from './identity.js'

export interface FlowDeps {
  options: ResolvedOptions
  accessTokens: AccessTokens
  endpoints: Endpoints
  tokenClient: TokenClient
  verifier: CognitoVerifier
  refresher: Refresher
  state: LoginState
  identities: FlowIdentities
}

type Query = Record<string, string | string[] | undefined>

/** What the flow needs of the guard: the identity of a login it just completed, and of a presented access token. */
export interface FlowIdentities {
  loginIdentity: (login: { claims: AccessTokenClaims, accessToken: string, userInfo: Record<string, unknown>, returnTo?: string }, request: FastifyRequest) => LoginIdentity
  /** The caller of a logout, when its access token is still good; null otherwise. */
  currentIdentity: (request: FastifyRequest) => Promise<Identity | null>
}

/** Constant-time equality of two strings, by their bytes: a non-ASCII string may have the length of another and not its bytes. */
function sameString (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Cognito's optional authorize parameters from `/login`'s query: the allow-list only, short strings only. */
export function passedThrough (query: Query): AuthorizeParams {
  const params: Record<string, string> = {}
  for (const name of AUTHORIZE_PARAMS) {
    const value = query[name]
    if (typeof value === 'string' && value.length <= 256) params[name] = value
  }
  return params
}

/** The `code` of a coded error, for audit messages. */
const codeOf = (err: unknown): string | undefined => (err as { code?: unknown }).code as string | undefined

/** The login flow as steps a route (the plugin's own, or the app's) calls: start, callback, logout. */
export function loginFlow (deps: FlowDeps): {
  start: (request: FastifyRequest, reply: FastifyReply, input: { returnTo?: unknown, authorizeParams?: AuthorizeParams }) => string
  callback: (request: FastifyRequest, reply: FastifyReply) => Promise<LoginIdentity>
  logout: (request: FastifyRequest, reply: FastifyReply) => Promise<string | undefined>
} {
  const { options, endpoints, tokenClient, verifier, refresher, state, accessTokens, identities } = deps
  const { hooks } = options
  const redirectUri = options.redirectUrl.href
  const appOrigin = options.redirectUrl.origin
  const authorize = { authorizeEndpoint: endpoints.authorize, clientId: options.clientId, redirectUri, scopes: options.scopes }
  const logoutLocation = `${endpoints.logout}?${new URLSearchParams({ client_id: options.clientId, logout_uri: options.logoutUrl.href })}`
  const ownClient = new Set([options.clientId])
  const stateHelp = { ...options, sessionCookie: state.names.session }

  /** Saves a new pending login and returns the Hosted UI URL to send the browser to. What the app configured wins over `input`. */
  function start (request: FastifyRequest, reply: FastifyReply, input: { returnTo?: unknown, authorizeParams?: AuthorizeParams }): string {
    const tx = newLoginTransaction(safeReturnTo(input.returnTo))
    state.saveTransaction(request, reply, tx)
    reply.header('cache-control', 'no-store')
    return authorizeUrl(authorize, tx, { ...input.authorizeParams, ...options.authorizeParams })
  }

  /**
   * Checks the callback against this browser's pending logins, exchanges the code, lets `onLogin` decide, and saves
   * the session. Only a matching state replaces the session: a forged or replayed one (possibly cross-site) ends the
   * pending logins, never the login.
   */
  async function complete (request: FastifyRequest, reply: FastifyReply): Promise<LoginIdentity> {
    reply.header('cache-control', 'no-store')
    const session = state.session(request)
    const pending = session?.pending ?? []
    const { state: returned, code, error } = request.query as Query
    const tx = typeof returned === 'string' && returned !== '' ? pending.find((candidate) => sameString(returned, candidate.state)) : undefined
    if (tx === undefined) {
      state.dropPending(request, reply, session)
      const problem = typeof returned !== 'string' || returned === '' ? 'missing' : pending.length > 0 ? 'mismatch' : session === null ? 'no-session' : 'no-login'
      throw invalidState(request, problem, stateHelp)
    }
    // Transactions are single-use and the earlier login is replaced: clear all before going on.
    state.clear(request, reply)
    if (error !== undefined) throw new LoginDeniedError(String(error).replace(/[^\w.-]/g, '').slice(0, 64))
    if (typeof code !== 'string' || code === '') throw new MissingCodeError()

    const tokens = await tokenClient.exchangeCode(code, tx.verifier, redirectUri)
    const { claims, id } = await verifier.verifyTokenSet(tokens, tx.nonce, ownClient).catch((err: unknown) => {
      throw err instanceof TokenRejected ? new InvalidTokenError(err.message) : err
    })
    const login = { claims, accessToken: tokens.access_token, userInfo: id === undefined ? {} : userInfoFrom(id), returnTo: tx.returnTo }
    const chosen = await runOnLogin(hooks, request, reply, { identity: identities.loginIdentity(login, request), tokens: loginTokens(tokens.access_token, tokens.id_token) })
    if (chosen !== undefined && safeReturnTo(chosen) === undefined) request.log.warn('fastify-cognito-auth: onLogin returned no same-origin path; it is ignored')
    state.save(request, reply, {
      accessToken: tokens.access_token,
      refreshToken: options.refreshFlow ? tokens.refresh_token : undefined,
      login: { sub: claims.sub, loginId: loginIdOf(claims), userInfo: login.userInfo }
    }, pending.filter((other) => other !== tx))
    request.log.info({ sub: claims.sub }, 'fastify-cognito-auth: login')
    return identities.loginIdentity({ ...login, returnTo: safeReturnTo(chosen) ?? tx.returnTo }, request)
  }

  async function callback (request: FastifyRequest, reply: FastifyReply): Promise<LoginIdentity> {
    try {
      const identity = await complete(request, reply)
      publish('login', () => about(request, identity))
      return identity
    } catch (err) {
      publish('login-failed', () => ({ ...about(request), code: codeOf(err) }))
      throw err
    }
  }

  /**
   * Runs `onLogout`, ends the session and every cookie of its login in this process, revokes the refresh token, and
   * returns the Hosted UI logout URL; a cross-site request ends nothing and gets undefined.
   */
  async function logout (request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
    reply.header('cache-control', 'no-store')
    if (isCrossSite(request, appOrigin)) {
      request.log.warn('fastify-cognito-auth: cross-site logout refused; the session is left alone')
      return undefined
    }
    const identity = await identities.currentIdentity(request).catch(() => null)
    await runNotice(request, 'onLogout', hooks.onLogout === undefined ? undefined : () => hooks.onLogout?.(request, reply, { identity }))
    const refresh = state.refreshToken(request)
    const accessToken = state.accessToken(request)
    const loginId = state.session(request)?.login?.loginId
    state.clear(request, reply)
    // Copies of this login's cookies die here now, not at the token's exp, whether or not the revoke succeeds.
    const kept = await accessTokens.endLogin({ accessToken, refresh, loginId })
    if (!kept) request.log.warn('fastify-cognito-auth: the ended-logins list is full; the oldest ended login was dropped')
    publish('logout', () => about(request, identity))
    if (refresh !== undefined) {
      refresher.forget(refresh.token)
      // A failed revoke must not keep the user logged in: log it and go on.
      await tokenClient.revoke(refresh.token).catch((err: { code?: string }) => {
        request.log.warn({ code: err.code }, 'fastify-cognito-auth: refresh token revoke failed')
      })
    }
    return logoutLocation
  }

  return { start, callback, logout }
}
