import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ClientCredentials, ClientCredentialsOptions } from './client-credentials.js'
import { passedThrough, type loginFlow } from './flow.js'
import type { CognitoIdentity } from './identity.js'
import type { LoginState } from './login-state.js'
import type { AuthorizeParams, ResolvedOptions } from './options.js'

/** What `app.cognito.login` takes. */
export interface LoginOptions {
  /** A same-origin path to come back to after the callback (checked like `/login?returnTo=`). */
  returnTo?: string
  /** Cognito authorize parameters for this login (`identity_provider: 'Google'` for a "Sign in with Google" button); what the plugin's options pin wins. */
  authorizeParams?: AuthorizeParams
}

/** The identity a completed callback established, with where the login asked to go back to. */
export interface LoginIdentity<Claims = CognitoIdentity['claims'], UserInfo = CognitoIdentity['userInfo']> extends CognitoIdentity<Claims, UserInfo> {
  /** The login's `returnTo` (a same-origin path), if it asked for one. */
  readonly returnTo: string | undefined
}

/** `app.cognito`: the login flow as calls from the app's own handlers, and what the app asks of its user pool. */
export interface CognitoApi<Claims = CognitoIdentity['claims'], UserInfo = CognitoIdentity['userInfo']> {
  /**
   * Starts a login: a new pending login in the session, and a redirect to the Hosted UI. Returns the reply.
   * @example app.get('/signin/google', async (request, reply) => app.cognito.login(request, reply, { authorizeParams: { identity_provider: 'Google' } }))
   */
  login: (request: FastifyRequest, reply: FastifyReply, options?: LoginOptions) => FastifyReply
  /**
   * Verifies the callback (state, PKCE, nonce, single use), replaces the session and returns the identity without
   * replying: the handler decides where to go. Rejects with the same coded errors as the built-in route.
   * @example const user = await app.cognito.callback(request, reply); return reply.redirect(user.groups.includes('admin') ? '/admin' : user.returnTo ?? '/')
   */
  callback: (request: FastifyRequest, reply: FastifyReply) => Promise<LoginIdentity<Claims, UserInfo>>
  /**
   * Ends the session and every cookie of its login, revokes the refresh token, and returns where to send the browser:
   * the Hosted UI logout URL, or `afterLogout` for a cross-site request, which ends nothing.
   * @example app.post('/signout', async (request, reply) => reply.redirect(await app.cognito.logout(request, reply), 303))
   */
  logout: (request: FastifyRequest, reply: FastifyReply) => Promise<string>
  /**
   * An access token from the pool's `client_credentials` grant, for the app's own calls to other APIs. Cached until
   * shortly before it expires, renewed ahead of that, and one token request at most in flight per scope set.
   * @example
   * const token = await app.cognito.clientCredentials({ scopes: ['orders/read'] })
   * await fetch('https://orders.example.com/', { headers: { authorization: `Bearer ${token}` } })
   */
  clientCredentials: (options?: ClientCredentialsOptions) => Promise<string>
  /**
   * Signs a user out everywhere: every login of `sub` that began by now is refused (tokens, copies, refreshes), and
   * with `sessions: 'server'` their sessions are deleted; with `redis`, on every instance.
   * @example await app.cognito.endSessions(request.cognito.sub)
   */
  endSessions: (sub: string) => Promise<void>
}

/** The parts `app.cognito` is built from. */
export interface CognitoApiParts {
  options: ResolvedOptions
  flow: ReturnType<typeof loginFlow>
  clientCredentials: ClientCredentials
  /** The browser's login state: server sessions are read before a flow call and written before it returns. */
  state: LoginState
  endSessions: (sub: string) => Promise<void>
}

/**
 * Runs a flow step between reading the server session (`prepare`) and writing it (`flush`), so the next request finds
 * it on any instance, from the plugin's routes and the app's own (`routes: false`) alike. Cookie sessions: no wait.
 */
async function withSession<T> (state: LoginState, request: FastifyRequest, step: () => Promise<T>): Promise<T> {
  await state.prepare(request)
  let result: T
  try {
    result = await step()
  } catch (err) {
    // A refused step may still have written (pending logins dropped); its own error is the answer.
    await state.flush(request)?.catch(() => {})
    throw err
  }
  await state.flush(request)
  return result
}

/** Builds the `app.cognito` object; each member is a few lines over one part. */
export function cognitoApi ({ options, flow, clientCredentials, state, endSessions }: CognitoApiParts): CognitoApi {
  return {
    login: (request, reply, input = {}) => {
      const authorizeParams = passedThrough((input.authorizeParams ?? {}) as Record<string, string | undefined>)
      const start = (): string => flow.start(request, reply, { returnTo: input.returnTo, authorizeParams })
      if (!state.writesLater) return reply.redirect(start())
      // Server sessions: the reply is sent once the pending login is stored (a handler returning `reply` waits for it).
      withSession(state, request, async () => start()).then((location) => reply.redirect(location), (err: Error) => reply.send(err))
      return reply
    },
    callback: async (request, reply) => {
      const identity = await withSession(state, request, async () => await flow.callback(request, reply))
      request.cognito = identity as FastifyRequest['cognito']
      return identity
    },
    logout: async (request, reply) => await withSession(state, request, async () => await flow.logout(request, reply)) ?? options.afterLogout,
    clientCredentials: async (input) => await clientCredentials.token(input),
    endSessions
  }
}
