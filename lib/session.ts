import { hkdfSync } from 'node:crypto'
import type { CookieSerializeOptions } from '@fastify/cookie'
import type secureSession from '@fastify/secure-session'
import type { FastifyRequest } from 'fastify'
import type { LoginTransaction } from './login.js'
import type { ResolvedOptions } from './options.js'

/** Request property and cookie of the plugin's own encrypted session (kept apart from any session the app has). */
export const SESSION_NAME = 'cognitoSession'
export const SESSION_COOKIE = 'cognito-session'
/** The access token's own HttpOnly cookie. */
export const ACCESS_COOKIE = 'cognito-access-token'

/** ID-token claims that describe the token, not the user: left out of `userInfo`. */
const TOKEN_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'auth_time', 'jti', 'origin_jti', 'event_id', 'at_hash', 'nonce', 'token_use', 'cognito:groups'])

/** The login a session belongs to; its user info is shown only next to an access token of the same login. */
export interface LoginRecord {
  sub: string
  originJti?: string
  userInfo: Record<string, unknown>
}

export interface CognitoSessionData {
  tx?: LoginTransaction
  login?: LoginRecord
}

export type CognitoSession = secureSession.Session<CognitoSessionData>

/** The plugin's session on a request where secure-session decoded it (the plugin's own routes). */
export const sessionOf = (request: FastifyRequest): CognitoSession =>
  (request as unknown as Record<string, CognitoSession>)[SESSION_NAME] as CognitoSession

export function replaceSession (request: FastifyRequest, session: CognitoSession): void {
  (request as unknown as Record<string, CognitoSession>)[SESSION_NAME] = session
}

/**
 * One secretbox key per secret. HKDF is enough because secrets are required to be long; it also keeps
 * registration fast, where secure-session's own `secret` option runs Argon2 at 256 MiB on every start.
 */
export function sessionKeys (secrets: string[]): Buffer[] {
  return secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'fastify-cognito-auth', 'session key', 32)))
}

export function cookieOptions (options: ResolvedOptions): CookieSerializeOptions {
  return {
    path: '/',
    httpOnly: true,
    secure: options.cookieSecure,
    sameSite: options.cookieSameSite,
    maxAge: options.cookieMaxAge,
    ...(options.cookieDomain === undefined ? {} : { domain: options.cookieDomain })
  }
}

export function userInfoFrom (idClaims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(idClaims).filter(([claim]) => !TOKEN_CLAIMS.has(claim)))
}
