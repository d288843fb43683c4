import type { Endpoints } from '../endpoints.js'
import { authorizeUrl, newLoginTransaction } from '../login.js'
import type { ResolvedOptions } from '../options.js'
import { probe, type Answer } from './probe.js'
import { fail, pass, reason, skip, warn, type CheckResult } from './result.js'

/** What the Hosted UI made of a request, read from its answer. */
export type Verdict =
  | { kind: 'unreachable', why: string }
  /** Cognito kept the browser (its own error page, or a redirect to `{domain}/error`): client or redirect URI refused. */
  | { kind: 'refused', error: string }
  /** Cognito sent the browser on to `target`; `error` when it carries one (`?error=`). */
  | { kind: 'redirected', target: URL, error?: string }
  /** Something answered, but not as Cognito does. */
  | { kind: 'foreign', why: string }

/** Reads Cognito's answer: a redirect (to the sign-in page, the app, or `/error?error=`) or its own error page (`error=…`). */
export function verdictOf (answer: Answer, domain: string): Verdict {
  const { status, location, text } = answer
  if (status >= 300 && status < 400 && location !== undefined) {
    const error = location.searchParams.get('error') ?? undefined
    if (location.origin === domain && location.pathname === '/error') return { kind: 'refused', error: error ?? 'unknown' }
    return { kind: 'redirected', target: location, error }
  }
  const page = /error=([\w.-]+)/.exec(text)
  if (status === 400 && page !== null) return { kind: 'refused', error: page[1] as string }
  return { kind: 'foreign', why: `/oauth2/authorize answered ${status}, not as a Cognito Hosted UI does` }
}

async function ask (url: string, options: ResolvedOptions): Promise<Verdict> {
  try {
    return verdictOf(await probe(url, options), options.domain)
  } catch (err) {
    return { kind: 'unreachable', why: reason(err) }
  }
}

const sameEndpoint = (a: URL, b: URL): boolean => a.origin === b.origin && a.pathname === b.pathname

const CLIENT_FIX = 'check AWS_COGNITO_USER_POOL_CLIENT_ID, and that AWS_COGNITO_DOMAIN is the domain of the pool that has this client'

/** The Hosted UI answers, the client exists, `redirectUrl` is a callback URL and the scopes are allowed: one authorize request, no login. */
function authorizeChecks (verdict: Verdict, options: ResolvedOptions): CheckResult[] {
  const { domain, redirectUrl, clientId } = options
  if (verdict.kind === 'unreachable' || verdict.kind === 'foreign') {
    const hidden = (['client', 'callback', 'scopes'] as const).map((id) => skip(id, 'the Hosted UI did not answer'))
    return [fail('domain', `the Hosted UI at ${domain} does not answer: ${verdict.why}`, 'set AWS_COGNITO_DOMAIN to the Hosted UI domain of the pool (App integration → Domain): a prefix, https://{prefix}.auth.{region}.amazoncognito.com, or your custom domain'), ...hidden]
  }
  const answered = pass('domain', `the Hosted UI at ${domain} answers`)
  if (verdict.kind === 'refused' && verdict.error === 'redirect_mismatch') {
    return [answered, pass('client', `app client ${clientId} exists`),
      fail('callback', `redirectUrl ${redirectUrl.href} is not a callback URL of app client ${clientId} (Cognito: redirect_mismatch)`,
        'add it to the app client\'s Allowed callback URLs (exactly: scheme, host, port, path, trailing slash), or set AWS_COGNITO_REDIRECT_URL to one that is'),
      skip('scopes', 'Cognito checks scopes only for a registered callback URL')]
  }
  if (verdict.kind === 'refused' || (sameEndpoint(verdict.target, redirectUrl) && verdict.error !== undefined && verdict.error !== 'invalid_scope')) {
    return [answered, fail('client', `Cognito refused a login for app client ${clientId}: error=${verdict.error}`, CLIENT_FIX),
      skip('callback', 'the client was refused'), skip('scopes', 'the client was refused')]
  }
  const registered = pass('callback', `redirectUrl ${redirectUrl.href} is a callback URL of the client`)
  const requested = options.scopes?.join(' ')
  const scopes = verdict.error === 'invalid_scope'
    ? fail('scopes', `the app client may not ask for scopes ${requested} (Cognito: invalid_scope)`, 'allow them in the app client\'s OpenID Connect scopes, or change AWS_COGNITO_SCOPES')
    : requested === undefined
      ? pass('scopes', 'no scopes set: Cognito grants all of the client\'s')
      : options.scopes?.includes('openid') === true
        ? pass('scopes', `the client may ask for ${requested}`)
        : warn('scopes', `the client may ask for ${requested}, but without openid Cognito issues no ID token: request.cognito.userInfo stays empty`,
          'add openid to AWS_COGNITO_SCOPES if the app shows who is logged in')
  return [answered, pass('client', `app client ${clientId} exists`), registered, scopes]
}

/** `logoutUrl` is a sign-out URL of the client: `/logout` sends the browser straight there. */
function logoutCheck (verdict: Verdict, options: ResolvedOptions): CheckResult {
  const { logoutUrl, clientId } = options
  if (verdict.kind === 'redirected' && verdict.target.href === logoutUrl.href) {
    return pass('logout', `logoutUrl ${logoutUrl.href} is a sign-out URL of the client`)
  }
  const said = verdict.kind === 'redirected' ? `sent the browser to ${verdict.target.origin}${verdict.target.pathname}` : verdict.kind === 'refused' ? `error=${verdict.error}` : verdict.why
  return fail('logout', `/logout does not return to logoutUrl ${logoutUrl.href} (Cognito: ${said})`,
    `add it to app client ${clientId}'s Allowed sign-out URLs (exactly), or set AWS_COGNITO_LOGOUT_URL to one that is`)
}

/** The Hosted UI side: domain, client, callback URL, scopes, sign-out URL. */
export async function hostedUiChecks (options: ResolvedOptions, endpoints: Endpoints): Promise<CheckResult[]> {
  const { clientId, redirectUrl, scopes, authorizeParams } = options
  // The very URL /login would send a browser to, with a transaction that is then thrown away.
  const login = authorizeUrl({ authorizeEndpoint: endpoints.authorize, clientId, redirectUri: redirectUrl.href, scopes }, newLoginTransaction(), { ...authorizeParams })
  const logout = `${endpoints.logout}?${new URLSearchParams({ client_id: clientId, logout_uri: options.logoutUrl.href })}`
  const [authorized, loggedOut] = await Promise.all([ask(login, options), ask(logout, options)])
  const results = authorizeChecks(authorized, options)
  const reached = results.find((r) => r.id === 'domain')?.status === 'pass'
  const clientOk = results.find((r) => r.id === 'client')?.status === 'pass'
  return [...results, reached && clientOk ? logoutCheck(loggedOut, options) : skip('logout', 'the Hosted UI or the client failed above')]
}
