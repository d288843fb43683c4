import { hkdfSync } from 'node:crypto'
import type { SerializeOptions } from '@fastify/cookie'
import fastifySecureSession from '@fastify/secure-session'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { LoginTransaction } from './login.js'
import type { ResolvedOptions } from './options.js'

/** The plugin's cookies: its encrypted session, the access token, and the encrypted refresh token. */
export interface CookieNames {
  session: string
  access: string
  refresh: string
}

/**
 * `__Host-` names whenever the browser enforces them (Secure, no Domain, Path=/): a sibling subdomain or a plain-http
 * answer can then not plant a cookie of ours, such as a pending login for login CSRF by cookie tossing.
 */
export function cookieNames ({ cookieSecure, cookieDomain }: Pick<ResolvedOptions, 'cookieSecure' | 'cookieDomain'>): CookieNames {
  const prefix = cookieSecure && cookieDomain === undefined ? '__Host-' : ''
  return { session: `${prefix}cognito-session`, access: `${prefix}cognito-access-token`, refresh: `${prefix}cognito-refresh-token` }
}
/** secure-session names: one per lifetime, since it checks the age of what it decrypts. */
const SESSION_NAME = 'cognitoSession'
const REFRESH_NAME = 'cognitoRefresh'

/** ID-token claims that describe the token, not the user: left out of `userInfo`. */
const TOKEN_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'auth_time', 'jti', 'origin_jti', 'event_id', 'at_hash', 'nonce', 'token_use', 'cognito:groups'])

/** The login a session belongs to; its user info is shown only next to an access token of the same login. */
export interface LoginRecord {
  sub: string
  /** `loginIdOf` the login's access token. */
  loginId: string
  userInfo: Record<string, unknown>
}

export interface SessionData {
  /** Logins in progress, newest first: one per tab that started one (at most `MAX_PENDING_LOGINS`). */
  pending?: LoginTransaction[]
  login?: LoginRecord
}

/** A browser may start logins in a few tabs at once; older ones beyond this are dropped. */
export const MAX_PENDING_LOGINS = 3

/**
 * One secretbox key per secret. HKDF is enough because secrets are required to be long; it also keeps
 * registration fast, where secure-session's own `secret` option runs Argon2 at 256 MiB on every start.
 */
function sessionKeys (secrets: string[], tenant: string | undefined): Buffer[] {
  // A tenant's own keys: what one tenant sealed does not open for another.
  const info = tenant === undefined ? 'session key' : `session key of tenant ${tenant}`
  return secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'fastify-cognito-auth', info, 32)))
}

export function cookieOptions (options: ResolvedOptions): SerializeOptions {
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

// secure-session writes `base64;base64`; cookies carry it URL-safe (Buffer reads either alphabet back).
const toCookie = (sealed: string): string => sealed.replace(/[+/=;]/g, (c) => ({ '+': '-', '/': '_', '=': '', ';': '.' })[c] as string)
const fromCookie = (value: string): string => value.replace('.', ';')

/** What the sealed refresh cookie holds: the token, the login it belongs to, and when it was sealed (ms). */
export interface SealedRefresh {
  token: string
  loginId: string
  at: number
}

/** Seals and opens the plugin's encrypted cookie values with @fastify/secure-session's secretbox. */
export interface SessionCodec {
  sealSession (data: SessionData): string
  openSession (value: string, log: FastifyBaseLogger): SessionData | null
  sealRefreshToken (refresh: SealedRefresh): string
  /** The sealed refresh, or null when the cookie does not open or lacks a part (a cookie of an older version). */
  openRefreshToken (value: string, log: FastifyBaseLogger): SealedRefresh | null
}

/**
 * Registers secure-session in `scope` (every secret decrypts, the first encrypts) and returns the codec; a `tenant` gets keys of its own.
 * `scope` should hold no routes: secure-session's own hooks decode on every request of their context, and the
 * plugin reads its cookies itself, only where it needs them.
 */
export async function sessionCodec (scope: FastifyInstance, options: ResolvedOptions, tenant?: string): Promise<SessionCodec> {
  const key = sessionKeys(options.secrets, tenant)
  await scope.register(fastifySecureSession, [
    { sessionName: SESSION_NAME, key, expiry: options.cookieMaxAge },
    { sessionName: REFRESH_NAME, key, expiry: options.refreshCookieMaxAge }
  ])
  const seal = (data: object, name: string): string => toCookie(scope.encodeSecureSession(scope.createSecureSession({ ...data }), name))
  const open = (value: string, log: FastifyBaseLogger, name: string): Record<string, unknown> | null =>
    (scope.decodeSecureSession(fromCookie(value), log, name)?.data() as Record<string, unknown> | undefined) ?? null
  return {
    sealSession: (data) => seal(data, SESSION_NAME),
    openSession: (value, log) => open(value, log, SESSION_NAME) as SessionData | null,
    sealRefreshToken: (refresh) => seal(refresh, REFRESH_NAME),
    openRefreshToken: (value, log) => {
      const { token, loginId, at } = open(value, log, REFRESH_NAME) ?? {}
      return typeof token === 'string' && typeof loginId === 'string' && typeof at === 'number' ? { token, loginId, at } : null
    }
  }
}
