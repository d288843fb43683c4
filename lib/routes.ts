import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CookieSerializeOptions } from '@fastify/cookie'
import type { Endpoints } from './endpoints.js'
import { InvalidStateError, InvalidTokenError, LoginDeniedError, MissingCodeError } from './errors.js'
import { authorizeUrl, newLoginTransaction } from './login.js'
import type { ResolvedOptions } from './options.js'
import { safeReturnTo } from './return-to.js'
import { ACCESS_COOKIE, replaceSession, sessionOf, userInfoFrom, type CognitoSession } from './session.js'
import type { TokenClient } from './token-client.js'
import { TokenRejected, type CognitoVerifier } from './verifier.js'

export interface RouteDeps {
  options: ResolvedOptions
  endpoints: Endpoints
  tokenClient: TokenClient
  verifier: CognitoVerifier
  cookie: CookieSerializeOptions
}

type Query = Record<string, string | string[] | undefined>

const sameString = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** The request as Fastify logs it, with the callback's code and state replaced: log lines must not carry them. */
function redactedRequest (req: FastifyRequest): Record<string, unknown> {
  const [path, query] = req.url.split('?', 2)
  const redacted = query === undefined ? '' : `?${query.replace(/(^|&)(code|state)=[^&]*/g, '$1$2=[redacted]')}`
  return { method: req.method, url: `${path}${redacted}`, host: req.host, remoteAddress: req.ip }
}

/** Ends the plugin's session and access-token cookie on this response. */
function endSession (request: FastifyRequest, reply: FastifyReply, cookie: CookieSerializeOptions): void {
  sessionOf(request).delete()
  reply.clearCookie(ACCESS_COOKIE, cookie)
  reply.header('cache-control', 'no-store')
}

/** GET /login, the postlogin callback, GET /logout and the postlogout route. */
export function registerRoutes (scope: FastifyInstance, deps: RouteDeps): void {
  const { options, endpoints, tokenClient, verifier, cookie } = deps
  const redirectUri = options.redirectUrl.href
  const authorize = { authorizeEndpoint: endpoints.authorize, clientId: options.clientId, redirectUri, scopes: options.scopes }
  const logoutLocation = `${endpoints.logout}?${new URLSearchParams({ client_id: options.clientId, logout_uri: options.logoutUrl.href })}`

  scope.get('/login', async (request, reply) => {
    const tx = newLoginTransaction(safeReturnTo((request.query as Query).returnTo))
    sessionOf(request).set('tx', tx)
    return reply.header('cache-control', 'no-store').redirect(authorizeUrl(authorize, tx))
  })

  scope.get(options.redirectUrl.pathname, { logSerializers: { req: redactedRequest } }, async (request, reply) => {
    const tx = sessionOf(request).get('tx')
    // The transaction is single-use and any earlier login is replaced: clear both before looking at the callback.
    endSession(request, reply, cookie)
    const { state, code, error } = request.query as Query
    if (typeof state !== 'string' || state === '') throw new InvalidStateError('state is missing')
    if (tx === undefined) throw new InvalidStateError('no login is in progress in this browser')
    if (!sameString(state, tx.state)) throw new InvalidStateError('state does not match')
    if (error !== undefined) throw new LoginDeniedError(String(error).replace(/[^\w.-]/g, '').slice(0, 64))
    if (typeof code !== 'string' || code === '') throw new MissingCodeError()

    const tokens = await tokenClient.exchangeCode(code, tx.verifier, redirectUri)
    let login
    try {
      const access = await verifier.verifyAccessToken(tokens.access_token)
      const id = tokens.id_token === undefined ? undefined : await verifier.verifyIdToken(tokens.id_token, tx.nonce, tokens.access_token)
      if (id !== undefined && id.sub !== access.sub) throw new TokenRejected('ID and access tokens name different users')
      login = { sub: access.sub, originJti: access.origin_jti, userInfo: id === undefined ? {} : userInfoFrom(id) }
    } catch (err) {
      if (err instanceof TokenRejected) throw new InvalidTokenError(err.message)
      throw err
    }
    const session = scope.createSecureSession({}) as CognitoSession
    session.set('login', login)
    replaceSession(request, session)
    reply.setCookie(ACCESS_COOKIE, tokens.access_token, cookie)
    request.log.info({ sub: login.sub }, 'fastify-cognito-auth: login')
    return reply.redirect(tx.returnTo ?? options.afterLogin)
  })

  scope.get('/logout', async (request, reply) => {
    endSession(request, reply, cookie)
    return reply.redirect(logoutLocation)
  })

  scope.get(options.logoutUrl.pathname, async (request, reply) => {
    endSession(request, reply, cookie)
    return reply.redirect(options.afterLogout)
  })
}
