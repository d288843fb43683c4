import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { poolConfig, type EmulatorOptions, type PoolClient, type PoolUser } from './config.js'
import { authorize, errorRoute, loginForm, loginSubmit, logout } from './hosted-ui.js'
import { tokenPreflight } from './cors.js'
import { BodyTooLarge, sendOAuthError } from './http.js'
import { signJwt } from './keys.js'
import { discovery, jwks, revoke, token, userInfo } from './oauth2.js'
import { Pool, type TokenFault, type TokenSet } from './pool.js'

type Handler = (p: Pool, req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>

/** A running emulated Cognito user pool: hosted UI, OAuth2 endpoints, JWKS, and the levers tests pull. */
export interface CognitoEmulator {
  /** The hosted UI base URL (what `domain` / AWS_COGNITO_DOMAIN is set to), e.g. `http://127.0.0.1:41234`. */
  readonly domain: string
  /** `{domain}/{userPoolId}`: the `iss` of every token. */
  readonly issuer: string
  readonly jwksUri: string
  readonly region: string
  readonly userPoolId: string
  readonly clients: readonly PoolClient[]
  readonly users: readonly PoolUser[]
  /** Requests counted per endpoint since start. */
  readonly stats: Readonly<Pool['stats']>
  /** Make the token endpoint fail, delay or drop connections; `null` restores it. */
  setTokenFault (fault: TokenFault | null): void
  /** `false` makes jwks.json answer 503. */
  setJwksAvailable (available: boolean): void
  /** New signing keys (new kids) for ID and access tokens; the old ones stay published. */
  rotateKeys (): Promise<void>
  /** Shift the pool's clock: tokens are then issued `seconds` in the future (or past, when negative). */
  setClockOffset (seconds: number): void
  /** Delete a user, as an administrator would: their refresh tokens and userInfo stop working. */
  deleteUser (username: string): void
  /** Mint tokens for a user directly, as a completed login would, without the browser steps. */
  issueTokens (input: { username: string, clientId?: string, scopes?: string[], nonce?: string }): TokenSet
  /** Mint a client_credentials access token. */
  issueClientToken (input: { clientId: string, scopes: string[] }): TokenSet
  /**
   * The plugin options that point at this pool for one of its clients (default: the first): spread them and add
   * `secret`, `redirectUrl` and `logoutUrl`.
   */
  pluginOptions (clientId?: string): { region: string, domain: string, issuer: string, userPoolId: string, clientId: string, clientSecret?: string }
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

function route (p: Pool, method: string, pathname: string): Handler | undefined {
  const wellKnown = `/${p.config.userPoolId}/.well-known/`
  if (method === 'GET' && pathname === `${wellKnown}jwks.json`) return jwks
  if (method === 'GET' && pathname === `${wellKnown}openid-configuration`) return discovery
  return ROUTES[`${method} ${pathname}`]
}

async function handle (p: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url as string, p.domain)
    const handler = route(p, req.method ?? 'GET', url.pathname)
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

/**
 * Starts a local Cognito user pool on loopback.
 * @example
 * const idp = await startCognitoEmulator({ port: 0 })
 * // domain: idp.domain, issuer: idp.issuer, demo users alice / bob / carol with password Passw0rd!
 * await idp.close()
 */
export async function startCognitoEmulator (options: EmulatorOptions = {}): Promise<CognitoEmulator> {
  const p = await Pool.create(poolConfig(options))
  const server = createServer((req, res) => { handle(p, req, res).catch(() => res.destroy()) })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const { address, port } = server.address() as AddressInfo
  const domain = `http://${address.includes(':') ? `[${address}]` : address}:${port}`
  p.domain = domain
  p.issuer = `${domain}/${p.config.userPoolId}`
  return {
    domain,
    issuer: p.issuer,
    jwksUri: `${p.issuer}/.well-known/jwks.json`,
    region: p.config.region,
    userPoolId: p.config.userPoolId,
    clients: [...p.config.clients.values()],
    get users () { return [...p.config.users.values()] },
    stats: p.stats,
    setTokenFault: (fault) => { p.tokenFault = fault === null ? null : { ...fault } },
    setJwksAvailable: (available) => { p.jwksAvailable = available },
    rotateKeys: () => p.rotateKeys(),
    setClockOffset: (seconds) => { p.clockOffset = seconds },
    deleteUser: (username) => { p.config.users.delete(username) },
    issueTokens ({ username, clientId, scopes, nonce }) {
      const user = p.config.users.get(username)
      if (user === undefined) throw new Error(`unknown user ${username}`)
      const client = findClient(p, clientId)
      return p.login({ user, client, scopes: scopes ?? client.scopes.filter((s) => !s.includes('/')), authTime: p.now(), nonce })
    },
    pluginOptions (clientId) {
      const client = findClient(p, clientId)
      return { region: p.config.region, domain, issuer: p.issuer, userPoolId: p.config.userPoolId, clientId: client.clientId, clientSecret: client.clientSecret }
    },
    issueClientToken: ({ clientId, scopes }) => p.mintClientToken(findClient(p, clientId), scopes),
    sign: (payload, { header, key = 'access' } = {}) => signJwt(key === 'id' ? p.idKey : p.accessKey, payload, header),
    async close () {
      p.closing.abort()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
