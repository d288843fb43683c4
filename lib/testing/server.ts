import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Dispatcher } from 'undici'
import type { EmulatorOptions } from './config.js'
import { EmulatorDispatcher } from './dispatcher.js'
import { authorize, errorRoute, loginForm, loginSubmit, logout } from './hosted-ui.js'
import { tokenPreflight } from './cors.js'
import { poolHosts, type HostRole } from './hosts.js'
import { BodyTooLarge, sendOAuthError } from './http.js'
import { signJwt } from './keys.js'
import { revoke } from './oauth2.js'
import { findUser, poolConfig, type PoolClient, type PoolUser } from './pool-config.js'
import { Pool, type TokenFault } from './pool.js'
import { token } from './token-endpoint.js'
import { grantScopes, login, mintClientToken, type TokenSet } from './tokens.js'
import { userInfo } from './userinfo.js'
import { discovery, jwks } from './well-known.js'

type Handler = (p: Pool, req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>

/** The settings that point the plugin at a pool: with `hosts: 'aws'`, no `issuer` (the plugin's default is right) but a `dispatcher`. */
export interface EmulatorPluginOptions { region: string, domain: string, issuer?: string, userPoolId: string, clientId: string, clientSecret?: string, dispatcher?: Dispatcher }

/** A running emulated Cognito user pool: hosted UI, OAuth2 endpoints, JWKS, and the levers tests pull. */
export interface CognitoEmulator {
  /** The hosted UI base URL (what `domain` / AWS_COGNITO_DOMAIN is set to): `http://127.0.0.1:41234`, or `https://emulator.auth.{region}.amazoncognito.com` with `hosts: 'aws'`. */
  readonly domain: string
  /** The `iss` of every token: `{url}/{userPoolId}`, or `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` with `hosts: 'aws'`. */
  readonly issuer: string
  readonly jwksUri: string
  /** The loopback origin the emulator listens on, whatever its hosts mode. */
  readonly url: string
  readonly region: string
  readonly userPoolId: string
  readonly clients: readonly PoolClient[]
  readonly users: readonly PoolUser[]
  /** Requests counted per endpoint since start. */
  readonly stats: Readonly<Pool['stats']>
  /** How many codes, hosted-UI sessions, refresh tokens and served sign-in forms the pool holds (each dropped at expiry). */
  readonly stored: { codes: number, sessions: number, refreshTokens: number, signInForms: number }
  /**
   * An undici Dispatcher that takes the pool's `https://` Cognito hosts to this emulator and lets loopback through;
   * any other origin is refused. Closed with the emulator.
   */
  dispatcher (): Dispatcher
  /** Make the token endpoint fail, delay or drop connections; `null` restores it. */
  setTokenFault (fault: TokenFault | null): void
  /** `false` makes jwks.json answer 503. */
  setJwksAvailable (available: boolean): void
  /** New signing keys (new kids) for ID and access tokens; the old ones stay published. */
  rotateKeys (): Promise<void>
  /** Shift the pool's clock: tokens are then issued `seconds` in the future (or past, when negative). */
  setClockOffset (seconds: number): void
  /** Delete a user (by any name they sign in with), as an administrator would: their refresh tokens and userInfo stop working. */
  deleteUser (username: string): void
  /** What AdminUserGlobalSignOut does: every refresh token of the user revoked, their access tokens refused by userInfo (401). */
  globalSignOut (username: string): void
  /** Mint tokens for a user (by any name they sign in with) as a completed login would, without the browser steps; default scopes: all the client's. */
  issueTokens (input: { username: string, clientId?: string, scopes?: string[], nonce?: string }): TokenSet
  /** Mint a client_credentials access token, for a client allowed that flow. */
  issueClientToken (input: { clientId: string, scopes: string[] }): TokenSet
  /** The plugin options that point at this pool for one of its clients (default: the first): spread them and add `secret`, `redirectUrl` and `logoutUrl`. */
  pluginOptions (clientId?: string): EmulatorPluginOptions
  /** Sign any header and payload with the pool's access (default) or ID key: for forging odd tokens in tests. */
  sign (payload: object, options?: { header?: object, key?: 'access' | 'id' }): string
  close (): Promise<void>
}

const ROUTES: Record<string, Handler> = {
  'GET /oauth2/authorize': authorize,
  'GET /login': loginForm,
  'POST /login': loginSubmit,
  'GET /logout': logout,
  'GET /error': errorRoute,
  'POST /oauth2/token': token,
  'OPTIONS /oauth2/token': tokenPreflight,
  'POST /oauth2/revoke': revoke,
  'GET /oauth2/userInfo': userInfo,
  'POST /oauth2/userInfo': userInfo
}

/** As on AWS, the issuer host serves only the pool's well-known documents and the domain serves everything else. */
function route (p: Pool, role: HostRole, method: string, pathname: string): Handler | undefined {
  const wellKnown = `/${p.config.userPoolId}/.well-known/`
  if (role !== 'domain' && method === 'GET' && pathname === `${wellKnown}jwks.json`) return jwks
  if (role !== 'domain' && method === 'GET' && pathname === `${wellKnown}openid-configuration`) return discovery
  return role === 'issuer' ? undefined : ROUTES[`${method} ${pathname}`]
}

async function handle (p: Pool, role: (host: string | undefined) => HostRole | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const hostRole = role(req.headers.host)
  // Only names this pool answers for: a page whose DNS name was rebound to 127.0.0.1 gets nothing.
  if (hostRole === undefined) return sendOAuthError(res, 'invalid_request', 'this host is not served here', 421)
  p.purge()
  // The pool's clock, offset included, as Cognito's Date header shows its own.
  res.setHeader('date', new Date(p.now() * 1000).toUTCString())
  try {
    const url = new URL(req.url as string, p.domain)
    const handler = route(p, hostRole, req.method ?? 'GET', url.pathname)
    if (handler === undefined) return sendOAuthError(res, 'invalid_request', `no endpoint ${req.method} ${url.pathname}`, 404)
    await handler(p, req, res, url)
  } catch (err) {
    if (err instanceof BodyTooLarge) return sendOAuthError(res, 'invalid_request', 'request body too large', 413)
    sendOAuthError(res, 'invalid_request', 'malformed request')
  }
}

function findClient (p: Pool, clientId: string | undefined): PoolClient {
  const client = clientId === undefined ? p.config.clients.values().next().value : p.config.clients.get(clientId)
  if (client === undefined) throw new Error(`unknown client ${clientId}`)
  return client
}

/** A user-token lever obeys the same rules as the hosted UI: a code-flow client, scopes it may grant. */
function issueTokens (p: Pool, { username, clientId, scopes, nonce }: Parameters<CognitoEmulator['issueTokens']>[0]): TokenSet {
  const user = findUser(p.config, username)
  if (user === undefined) throw new Error(`unknown user ${username}`)
  const client = findClient(p, clientId)
  if (!client.allowedOAuthFlows.includes('code')) throw new Error(`client ${client.clientId} does not allow the code flow`)
  const granted = grantScopes(client, scopes)
  if ('problem' in granted) throw new Error(granted.problem)
  return login(p, { user, client, scopes: granted, authTime: p.now(), nonce })
}

function issueClientToken (p: Pool, { clientId, scopes }: Parameters<CognitoEmulator['issueClientToken']>[0]): TokenSet {
  const client = findClient(p, clientId)
  if (!client.allowedOAuthFlows.includes('client_credentials')) throw new Error(`client ${clientId} does not allow client_credentials`)
  const unknown = scopes.find((s) => !s.includes('/') || !client.scopes.includes(s))
  if (unknown !== undefined) throw new Error(`scope ${unknown} is not a custom scope of client ${clientId}`)
  return mintClientToken(p, client, scopes)
}

/**
 * Starts a local Cognito user pool on loopback.
 * @example
 * const idp = await startCognitoEmulator({ port: 0 })
 * // domain: idp.domain, issuer: idp.issuer, demo users alice / bob / carol with password Passw0rd!
 * await idp.close()
 */
export async function startCognitoEmulator (options: EmulatorOptions = {}): Promise<CognitoEmulator> {
  const p = await Pool.create(poolConfig(options))
  let role: (host: string | undefined) => HostRole | undefined = () => undefined
  const server = createServer((req, res) => { handle(p, role, req, res).catch(() => res.destroy()) })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const { address, port } = server.address() as AddressInfo
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`
  const hosts = poolHosts(options, p.config.region, p.config.userPoolId, url)
  role = hosts.role
  p.domain = hosts.domain
  p.issuer = hosts.issuer
  let dispatcher: EmulatorDispatcher | undefined
  const getDispatcher = (): EmulatorDispatcher => (dispatcher ??= new EmulatorDispatcher(hosts.routes, url))
  return {
    domain: p.domain,
    issuer: p.issuer,
    jwksUri: `${p.issuer}/.well-known/jwks.json`,
    url,
    region: p.config.region,
    userPoolId: p.config.userPoolId,
    clients: [...p.config.clients.values()],
    get users () { return [...p.config.users.values()] },
    stats: p.stats,
    get stored () { return { codes: p.codes.size, sessions: p.sessions.size, refreshTokens: p.refreshTokens.size, signInForms: p.forms.size } },
    dispatcher: getDispatcher,
    setTokenFault: (fault) => { p.tokenFault = fault === null ? null : { ...fault } },
    setJwksAvailable: (available) => { p.jwksAvailable = available },
    rotateKeys: () => p.rotateKeys(),
    setClockOffset: (seconds) => { p.clockOffset = seconds },
    globalSignOut: (username) => {
      const user = findUser(p.config, username)
      if (user === undefined) throw new Error(`unknown user ${username}`)
      p.globalSignOut(user.username)
    },
    deleteUser: (username) => { p.config.users.delete(findUser(p.config, username)?.username ?? username) },
    issueTokens: (input) => issueTokens(p, input),
    issueClientToken: (input) => issueClientToken(p, input),
    pluginOptions (clientId) {
      const client = findClient(p, clientId)
      const where = options.hosts === 'aws' ? { dispatcher: getDispatcher() } : { issuer: p.issuer }
      return { region: p.config.region, domain: p.domain, ...where, userPoolId: p.config.userPoolId, clientId: client.clientId, clientSecret: client.clientSecret }
    },
    sign: (payload, { header, key = 'access' } = {}) => signJwt(key === 'id' ? p.idKey : p.accessKey, payload, header),
    async close () {
      p.closing.abort()
      server.closeAllConnections()
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), dispatcher?.destroy()])
    }
  }
}
