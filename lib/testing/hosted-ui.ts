import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseAuthorize, type AuthorizeRequest, type Outcome } from './authorize-request.js'
import { errorPage, loginPage } from './html.js'
import { appendQuery, parseCookies, readForm, redirect, sameSecret, sendHtml, serializeCookie } from './http.js'
import { findUser, type PoolUser } from './pool-config.js'
import type { Pool } from './pool.js'

/** The hosted UI's session cookie, which lets a second authorize skip the form. */
export const SESSION_COOKIE = 'cognito'
const CSRF_COOKIE = 'XSRF-TOKEN'

/** Issues the code and sends the browser back to the client, as a successful sign-in does. */
function completeSignIn (p: Pool, res: ServerResponse, request: AuthorizeRequest, user: PoolUser, authTime: number, cookies: string[] = []): void {
  const code = p.newCode({
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    username: user.username,
    scopes: request.scopes,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    authTime
  })
  redirect(res, appendQuery(request.redirectUri, { code, state: request.state }), cookies)
}

function refuse (res: ServerResponse, outcome: Exclude<Outcome, { ok: true }>): void {
  if ('page' in outcome) sendHtml(res, 400, errorPage(outcome.page.error, outcome.page.description))
  else redirect(res, outcome.location)
}

/** GET /oauth2/authorize: straight back with a code when the hosted-UI session allows it, else on to the sign-in form. */
export function authorize (p: Pool, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const outcome = parseAuthorize(p, url.searchParams)
  if (!outcome.ok) return refuse(res, outcome)
  const { request } = outcome
  const session = p.session(parseCookies(req.headers.cookie).get(SESSION_COOKIE))
  const tooOld = session !== undefined && request.maxAge !== undefined && (request.maxAge === 0 || p.now() - session.authTime > request.maxAge)
  // A silent sign-in keeps the time the user last typed their password: that is what auth_time means.
  if (session !== undefined && !tooOld && !request.prompts.has('login')) return completeSignIn(p, res, request, session.user, session.authTime)
  if (request.prompts.has('none')) {
    return redirect(res, appendQuery(request.redirectUri, { error: 'login_required', state: request.state }))
  }
  redirect(res, `/login${url.search}`)
}

/** The sign-in form, with a fresh CSRF token bound to this form's query (and echoed in a cookie, as Cognito does). */
function renderForm (p: Pool, res: ServerResponse, request: AuthorizeRequest, url: URL, error?: string, username?: string): void {
  const csrf = p.newForm(url.search)
  const cookie = serializeCookie(CSRF_COOKIE, csrf, { maxAge: p.config.ttl.session })
  sendHtml(res, 200, loginPage({
    action: `/login${url.search}`,
    csrf,
    lang: request.lang,
    provider: request.provider,
    username: username ?? request.loginHint,
    error
  }), [cookie])
}

/** GET /login: the sign-in form, for the same authorize parameters. */
export function loginForm (p: Pool, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  const outcome = parseAuthorize(p, url.searchParams)
  if (!outcome.ok) return refuse(res, outcome)
  renderForm(p, res, outcome.request, url)
}

/** A form post from a page of another origin (another loopback port included) is refused whatever its token says. */
function crossOrigin (req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return false
  try {
    return new URL(origin).host !== req.headers.host
  } catch {
    return true
  }
}

/** POST /login: checks the CSRF token (served by this pool for this form, once, and matching the cookie), then the credentials. */
export async function loginSubmit (p: Pool, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const form = await readForm(req)
  const outcome = parseAuthorize(p, url.searchParams)
  if (!outcome.ok) return refuse(res, outcome)
  const csrf = form.get('_csrf') ?? ''
  const csrfCookie = parseCookies(req.headers.cookie).get(CSRF_COOKIE) ?? ''
  const served = p.spendForm(csrf, url.search)
  if (!served || crossOrigin(req) || !sameSecret(csrf, csrfCookie)) {
    return sendHtml(res, 400, errorPage('invalid_request', 'The sign-in form expired or was not sent from this page. Try again.'))
  }
  const username = form.get('username') ?? ''
  const user = findUser(p.config, username)
  if (user === undefined || !sameSecret(form.get('password') ?? '', user.password)) {
    return renderForm(p, res, outcome.request, url, 'Incorrect username or password.', username)
  }
  const authTime = p.now()
  const sid = p.newSession(user.username, authTime)
  const cookie = serializeCookie(SESSION_COOKIE, sid, { maxAge: p.config.ttl.session })
  completeSignIn(p, res, outcome.request, user, authTime, [cookie])
}

/** GET /logout: ends the hosted-UI session, then goes to a registered sign-out URL (or back to sign-in). */
export function logout (p: Pool, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const clientId = url.searchParams.get('client_id')
  const client = clientId === null ? undefined : p.config.clients.get(clientId)
  if (client === undefined) return sendHtml(res, 400, errorPage('invalid_request', 'client_id is missing or unknown'))
  const logoutUri = url.searchParams.get('logout_uri')
  let location: string
  if (logoutUri !== null) {
    if (!client.logoutUrls.includes(logoutUri)) {
      return sendHtml(res, 400, errorPage('redirect_mismatch', 'logout_uri is not a sign-out URL of this client'))
    }
    location = logoutUri
  } else if (url.searchParams.has('redirect_uri') && url.searchParams.has('response_type')) {
    const outcome = parseAuthorize(p, url.searchParams)
    if (!outcome.ok) return refuse(res, outcome)
    location = `/login${url.search}`
  } else {
    return sendHtml(res, 400, errorPage('invalid_request', 'logout_uri, or redirect_uri with response_type, is required'))
  }
  const sid = parseCookies(req.headers.cookie).get(SESSION_COOKIE)
  if (sid !== undefined) p.sessions.delete(sid)
  redirect(res, location, [serializeCookie(SESSION_COOKIE, '', { maxAge: 0 })])
}

/** GET /error: the page Cognito shows for errors it will not redirect. */
export function errorRoute (_p: Pool, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  sendHtml(res, 400, errorPage(url.searchParams.get('error') ?? 'invalid_request', 'An error was encountered with the requested page.'))
}
