import type { FastifyRequest } from 'fastify'
import { cookieValue } from './cookies.js'
import { InvalidStateError } from './errors.js'
import type { ResolvedOptions } from './options.js'
import { MAX_PENDING_LOGINS } from './session.js'

/** What the callback lacked: a `state`, a login session (none, or one that cannot be opened), a pending login, or a matching one. */
export type StateProblem = 'missing' | 'no-session' | 'no-login' | 'mismatch'

/** The options that explain a missing cookie, and the name of the session cookie. */
type CookieOptions = Pick<ResolvedOptions, 'redirectUrl' | 'cookieDomain' | 'cookieSameSite' | 'cookieMaxAge'> & { sessionCookie: string }

const NO_LOGIN = 'no login is in progress in this browser'

/** Why no login cookie came back: the causes these options make possible, most likely first. */
function noCookie ({ redirectUrl, cookieDomain, cookieSameSite, cookieMaxAge }: CookieOptions): string {
  const causes = [`the login was started on another host than ${redirectUrl.host} (open the app at ${redirectUrl.origin}, the host of redirectUrl)`]
  if (cookieDomain !== undefined) causes.push(`cookieDomain ${cookieDomain} does not cover ${redirectUrl.hostname}`)
  if (cookieSameSite === 'strict') causes.push('SameSite=strict keeps the cookie off the way back from Cognito (use lax)')
  causes.push(`the login took longer than cookieMaxAge (${cookieMaxAge} s)`, 'this callback was already used')
  return `${NO_LOGIN}: no login cookie came back with the callback; likely ${causes.join(', or ')}`
}

function explain (request: FastifyRequest, problem: StateProblem, options: CookieOptions): string {
  switch (problem) {
    case 'missing':
      return 'state is missing: this is not Cognito\'s answer to a login this app started (start logins at /login)'
    case 'no-session': {
      const header = request.headers.cookie ?? ''
      // A cookie that came back but does not open: older than its seal's expiry, or sealed with another secret.
      if (cookieValue(header, options.sessionCookie) !== undefined || cookieValue(header, `${options.sessionCookie}.0`) !== undefined) {
        return `${NO_LOGIN}: its login cookie could not be opened; the login expired (started more than cookieMaxAge, ${options.cookieMaxAge} s, ago) or the secret changed since`
      }
      return noCookie(options)
    }
    case 'no-login':
      return `${NO_LOGIN}: this callback was already used (a reload, the back button, a replay) or its login finished in another tab`
    case 'mismatch':
      return `state does not match a login started in this browser: it was started in another browser, replaced by newer logins (the last ${MAX_PENDING_LOGINS} are kept), or the callback is replayed or forged`
  }
}

/**
 * The error for a refused callback `state`, saying the likely cause, and the same cause in a debug log line
 * (never the state, a cookie or the code).
 */
export function invalidState (request: FastifyRequest, problem: StateProblem, options: CookieOptions): InstanceType<typeof InvalidStateError> {
  const why = explain(request, problem, options)
  request.log.debug({ problem }, `fastify-cognito-auth: login callback refused: ${why}`)
  return new InvalidStateError(why)
}
