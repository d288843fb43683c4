import type { FastifyReply, FastifyRequest } from 'fastify'
import type { LoginIdentity } from './cognito-api.js'
import { LoginRefusedError } from './errors.js'
import type { CognitoIdentity } from './identity.js'
import type { CognitoAccessClaims, CognitoUserInfo } from './index.js'
import { fail } from './validate.js'

/** The raw tokens of a login, for the app's own use: not enumerable, and `[tokens]` when serialised, so a log line of them shows nothing. */
export interface LoginTokens {
  readonly accessToken: string
  readonly idToken: string | undefined
}

type Identity = CognitoIdentity<CognitoAccessClaims, CognitoUserInfo>

/** The app's code at the points of a login's life. Each is optional and may be async. */
export interface CognitoHooks {
  /**
   * After the callback's tokens are verified, before the session is saved. Return a same-origin path to go there
   * instead of `returnTo`/`afterLogin`; throw to refuse the login (an `@fastify/error` of the app's is answered as
   * it is; anything else as `FST_COGNITO_LOGIN_REFUSED`, 403). No session is saved then.
   */
  onLogin?: (request: FastifyRequest, reply: FastifyReply, login: { identity: LoginIdentity<CognitoAccessClaims, CognitoUserInfo>, tokens: LoginTokens }) => unknown
  /** Before a logout clears the session; `identity` is null when no valid access token came with it. A throw is logged and the logout goes on. */
  onLogout?: (request: FastifyRequest, reply: FastifyReply, logout: { identity: Identity | null }) => unknown
  /** After a refresh renewed the login's tokens. A throw is logged; the request goes on. */
  onRefresh?: (request: FastifyRequest, refresh: { identity: Identity }) => unknown
}

export function loginTokens (accessToken: string, idToken: string | undefined): LoginTokens {
  return Object.defineProperties({}, {
    accessToken: { value: accessToken },
    idToken: { value: idToken },
    toJSON: { value: () => '[tokens]' }
  }) as LoginTokens
}

/** The hooks, each checked to be a function at registration. */
export function resolveHooks (options: CognitoHooks): CognitoHooks {
  for (const name of ['onLogin', 'onLogout', 'onRefresh'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') fail(name, 'a function is required')
  }
  return { onLogin: options.onLogin, onLogout: options.onLogout, onRefresh: options.onRefresh }
}

const isCoded = (err: unknown): boolean =>
  err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && typeof (err as { statusCode?: unknown }).statusCode === 'number'

/** Runs `onLogin`; what it throws becomes the answer: the app's coded error as it is, anything else a 403 refusal. */
export async function runOnLogin (hooks: CognitoHooks, request: FastifyRequest, reply: FastifyReply, login: Parameters<NonNullable<CognitoHooks['onLogin']>>[2]): Promise<unknown> {
  if (hooks.onLogin === undefined) return undefined
  try {
    return await hooks.onLogin(request, reply, login)
  } catch (err) {
    request.log.debug({ err }, 'fastify-cognito-auth: onLogin refused the login')
    throw isCoded(err) ? err : new LoginRefusedError()
  }
}

/** Runs a hook that may not change the outcome (logout, refresh): a throw is logged and swallowed. */
export async function runNotice (request: FastifyRequest, name: string, hook: (() => unknown) | undefined): Promise<void> {
  if (hook === undefined) return
  try {
    await hook()
  } catch (err) {
    request.log.warn({ err }, `fastify-cognito-auth: ${name} threw; the plugin goes on`)
  }
}
