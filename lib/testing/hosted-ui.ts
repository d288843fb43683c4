import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PoolClient, PoolUser } from './config.js'
import { errorPage, loginPage } from './html.js'
import { appendQuery, parseCookies, readForm, redirect, sameSecret, sendHtml, serializeCookie } from './http.js'
import type { Pool } from './pool.js'

/** The hosted UI's session cookie, which lets a second authorize skip the form. */
export const SESSION_COOKIE = 'cognito'
const CSRF_COOKIE = 'XSRF-TOKEN'
const LANGS = new Set(['de', 'en', 'es', 'fr', 'id', 'it', 'ja', 'ko', 'pt-BR', 'zh-CN', 'zh-TW'])
const PROMPTS = new Set(['none', 'login', 'select_account', 'consent'])
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

interface AuthorizeRequest {
  client: PoolClient
  redirectUri: string
  scopes: string[]
  state?: string
  nonce?: string
  codeChallenge?: string
  provider: string
  prompts: Set<string>
  lang: string
  loginHint?: string
}

type Outcome =
  | { ok: true, request: AuthorizeRequest }
  | { ok: false, page: { error: string, description: string } }
  | { ok: false, location: string }

/** Validates an authorize request as Cognito does: client and redirect URI first (error page), the rest redirected back. */
function parseAuthorize (p: Pool, query: URLSearchParams): Outcome {
  const param = (name: string): string | undefined => query.get(name) ?? undefined
  const clientId = param('client_id')
  const client = clientId === undefined ? undefined : p.config.clients.get(clientId)
  if (client === undefined) return { ok: false, page: { error: 'invalid_request', description: 'client_id is missing or unknown' } }
  const redirectUri = param('redirect_uri')
  if (redirectUri === undefined || !client.callbackUrls.includes(redirectUri)) {
    return { ok: false, page: { error: 'redirect_mismatch', description: 'redirect_uri is not a callback URL of this client' } }
  }
  const state = param('state')
  const fail = (error: string, description: string): Outcome =>
    ({ ok: false, location: appendQuery(redirectUri, { error_description: description, state, error }) })

  const responseType = param('response_type')
  if (responseType === undefined) return fail('invalid_request', 'response_type is missing')
  if (responseType === 'token') return fail('unauthorized_client', 'implicit grant is not enabled for this client')
  if (responseType !== 'code') return fail('unsupported_response_type', 'response_type must be code')

  const requested = param('scope')?.split(/[\s+]+/).filter(Boolean)
  const scopes = requested ?? client.scopes.filter((s) => !s.includes('/'))
  const unknown = scopes.find((s) => !client.scopes.includes(s))
  if (unknown !== undefined) return fail('invalid_scope', `scope ${unknown} is not allowed for this client`)

  const codeChallenge = param('code_challenge')
  const method = param('code_challenge_method')
  if (codeChallenge !== undefined || method !== undefined) {
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256')
    if (codeChallenge === undefined || !S256_CHALLENGE.test(codeChallenge)) return fail('invalid_request', 'code_challenge is missing or malformed')
  }

  const idpIdentifier = param('idp_identifier')?.toLowerCase()
  const provider = param('identity_provider') ??
    (idpIdentifier === undefined ? 'COGNITO' : client.identityProviders.find((p) => p.toLowerCase() === idpIdentifier))
  if (provider === undefined || !client.identityProviders.includes(provider)) {
    return fail('invalid_request', 'identity provider is not enabled for this client')
  }

  const prompts = new Set(param('prompt')?.split(' ').filter(Boolean))
  if ([...prompts].some((p) => !PROMPTS.has(p))) return fail('invalid_request', 'prompt is not supported')

  const lang = param('lang')
  return {
    ok: true,
    request: {
      client,
      redirectUri,
      scopes,
      state,
      nonce: param('nonce'),
      codeChallenge,
      provider,
      prompts,
      lang: lang !== undefined && LANGS.has(lang) ? lang : 'en',
      loginHint: param('login_hint')
    }
  }
}

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
  const user = p.sessionUser(parseCookies(req.headers.cookie).get(SESSION_COOKIE))
  if (user !== undefined && !request.prompts.has('login')) return completeSignIn(p, res, request, user, p.now())
  if (request.prompts.has('none')) {
    return redirect(res, appendQuery(request.redirectUri, { error: 'login_required', state: request.state }))
  }
  redirect(res, `/login${url.search}`)
}

function renderForm (p: Pool, res: ServerResponse, request: AuthorizeRequest, url: URL, csrf: string, error?: string, username?: string): void {
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
  renderForm(p, res, outcome.request, url, randomBytes(18).toString('base64url'))
}

/** POST /login: checks the CSRF token and the credentials, then signs in. */
export async function loginSubmit (p: Pool, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const form = await readForm(req)
  const outcome = parseAuthorize(p, url.searchParams)
  if (!outcome.ok) return refuse(res, outcome)
  const csrfCookie = parseCookies(req.headers.cookie).get(CSRF_COOKIE) ?? ''
  if (csrfCookie === '' || !sameSecret(form.get('_csrf') ?? '', csrfCookie)) {
    return sendHtml(res, 400, errorPage('invalid_request', 'The sign-in form expired or was not sent from this page. Try again.'))
  }
  const username = form.get('username') ?? ''
  const user = p.config.users.get(username)
  if (user === undefined || !sameSecret(form.get('password') ?? '', user.password)) {
    return renderForm(p, res, outcome.request, url, csrfCookie, 'Incorrect username or password.', username)
  }
  const sid = p.newSession(user.username)
  const cookie = serializeCookie(SESSION_COOKIE, sid, { maxAge: p.config.ttl.session })
  completeSignIn(p, res, outcome.request, user, p.now(), [cookie])
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
