import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccessTokens } from './access-tokens.js'
import type { Endpoints } from './endpoints.js'
import { InvalidTokenError, LoginDeniedError, MissingCodeError } from './errors.js'
import { invalidState } from './invalid-state.js'
import { authorizeUrl, newLoginTransaction } from './login.js'
import type { LoginState } from './login-state.js'
import { AUTHORIZE_PARAMS, type ResolvedOptions } from './options.js'
import { safeReturnTo } from './return-to.js'
import { userInfoFrom } from './session.js'
import type { TokenClient } from './token-client.js'
import { TokenRejected, type CognitoVerifier } from './verifier.js'

export interface RouteDeps {
  options: ResolvedOptions
  accessTokens: AccessTokens
  endpoints: Endpoints
  tokenClient: TokenClient
  verifier: CognitoVerifier
  state: LoginState
}

type Query = Record<string, string | string[] | undefined>

const sameString = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** The request as Fastify logs it, without the callback's query: log lines must not carry the code or state, wherever they stand. */
function redactedRequest (req: FastifyRequest): Record<string, unknown> {
  const [path, query] = req.url.split('?', 2)
  return { method: req.method, url: query === undefined ? path : `${path}?[redacted]`, host: req.host, remoteAddress: req.ip }
}

/** Cognito's optional authorize parameters from `/login`'s query: the allow-list only, short strings only. */
function passedThrough (query: Query): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {}
  for (const name of AUTHORIZE_PARAMS) {
    const value = query[name]
    if (typeof value === 'string' && value.length <= 256) params[name] = value
  }
  return params
}

/** GET /login, the postlogin callback, GET /logout and the postlogout route. */
export function registerRoutes (app: FastifyInstance, deps: RouteDeps): void {
  const { options, endpoints, tokenClient, verifier, state, accessTokens } = deps
  const redirectUri = options.redirectUrl.href
  const authorize = { authorizeEndpoint: endpoints.authorize, clientId: options.clientId, redirectUri, scopes: options.scopes }
  const logoutLocation = `${endpoints.logout}?${new URLSearchParams({ client_id: options.clientId, logout_uri: options.logoutUrl.href })}`
  const ownClient = new Set([options.clientId])

  /** Ends the login state on this response. */
  function end (request: FastifyRequest, reply: FastifyReply): void {
    state.clear(request, reply)
    reply.header('cache-control', 'no-store')
  }

  app.get('/login', async (request, reply) => {
    const query = request.query as Query
    const tx = newLoginTransaction(safeReturnTo(query.returnTo))
    state.saveTransaction(request, reply, tx)
    const location = authorizeUrl(authorize, tx, { ...options.authorizeParams, ...passedThrough(query) })
    return reply.header('cache-control', 'no-store').redirect(location)
  })

  app.get(options.redirectUrl.pathname, { logSerializers: { req: redactedRequest } }, async (request, reply) => {
    const session = state.session(request)
    const pending = session?.pending ?? []
    // Transactions are single-use and any earlier login is replaced: clear all before looking at the callback.
    end(request, reply)
    const { state: returned, code, error } = request.query as Query
    if (typeof returned !== 'string' || returned === '') throw invalidState(request, 'missing', options)
    if (pending.length === 0) throw invalidState(request, session === null ? 'no-session' : 'no-login', options)
    const tx = pending.find((candidate) => sameString(returned, candidate.state))
    if (tx === undefined) throw invalidState(request, 'mismatch', options)
    if (error !== undefined) throw new LoginDeniedError(String(error).replace(/[^\w.-]/g, '').slice(0, 64))
    if (typeof code !== 'string' || code === '') throw new MissingCodeError()

    const tokens = await tokenClient.exchangeCode(code, tx.verifier, redirectUri)
    const verified = await verifier.verifyTokenSet(tokens, tx.nonce, ownClient).catch((err: unknown) => {
      throw err instanceof TokenRejected ? new InvalidTokenError(err.message) : err
    })
    const { claims, id } = verified
    state.save(request, reply, {
      accessToken: tokens.access_token,
      refreshToken: options.refreshFlow ? tokens.refresh_token : undefined,
      login: { sub: claims.sub, originJti: claims.origin_jti, userInfo: id === undefined ? {} : userInfoFrom(id) }
    }, pending.filter((other) => other !== tx))
    request.log.info({ sub: claims.sub }, 'fastify-cognito-auth: login')
    return reply.redirect(tx.returnTo ?? options.afterLogin)
  })

  app.get('/logout', async (request, reply) => {
    const refreshToken = state.refreshToken(request)
    const accessToken = state.accessToken(request)
    end(request, reply)
    // Copies of this login's cookies die here now, not at the token's exp.
    if (accessToken !== undefined) await accessTokens.endLogin(accessToken)
    if (refreshToken !== undefined) {
      // A failed revoke must not keep the user logged in: log it and go on.
      await tokenClient.revoke(refreshToken).catch((err: { code?: string }) => {
        request.log.warn({ code: err.code }, 'fastify-cognito-auth: refresh token revoke failed')
      })
    }
    return reply.redirect(logoutLocation)
  })

  app.get(options.logoutUrl.pathname, async (request, reply) => {
    end(request, reply)
    return reply.redirect(options.afterLogout)
  })
}
