/** A user of the emulated pool. */
export interface EmulatorUser {
  /** Required, except in pools that sign in by email: there Cognito generates the username (the user's `sub`). */
  username?: string
  password: string
  /** Defaults to a random UUID, as Cognito assigns. */
  sub?: string
  email?: string
  emailVerified?: boolean
  /** Cognito groups; `cognito:groups` appears in tokens only when this is not empty. */
  groups?: string[]
  /** More attributes, `custom:*` included, copied into the ID token and userInfo. */
  attributes?: Record<string, string>
}

/** OAuth flows an app client may use, as Cognito's `AllowedOAuthFlows` (the implicit grant is not emulated). */
export type EmulatorOAuthFlow = 'code' | 'client_credentials'

/** An app client of the emulated pool. */
export interface EmulatorClient {
  clientId: string
  /** Absent for a public client. */
  clientSecret?: string
  callbackUrls: string[]
  logoutUrls: string[]
  /** Allowed OAuth scopes, custom `resource/scope` ones included. Default: openid email phone profile aws.cognito.signin.user.admin. */
  scopes?: string[]
  /** Identity providers the client may use. Default: `['COGNITO']`. */
  identityProviders?: string[]
  /** Default `['code']`. `client_credentials` needs a secret and cannot share a client with `code`, as on Cognito. */
  allowedOAuthFlows?: EmulatorOAuthFlow[]
  /** Issue a new refresh token on each refresh and retire the old one; the new one keeps the first one's expiry. Default false. */
  refreshTokenRotation?: boolean
  /** With rotation: seconds (0–60) the rotated-out refresh token still works, for client retries. Default 0. */
  retryGracePeriodSeconds?: number
  /** Cognito's `EnableTokenRevocation`: `/oauth2/revoke` works and tokens carry `jti` and `origin_jti`. Default true. */
  enableTokenRevocation?: boolean
}

export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number
  /** Default 127.0.0.1. Requests are served only for loopback host names and this one (no DNS rebinding). */
  host?: string
  /** Default us-east-1. */
  region?: string
  /** Default `{region}_Emulat0r`. */
  userPoolId?: string
  /**
   * `'aws'`: issue Cognito's real issuer (`https://cognito-idp.{region}.amazonaws.com/{userPoolId}`) and domain
   * (`https://{domainPrefix}.auth.{region}.amazoncognito.com`), reached through `idp.dispatcher()`. Default `'loopback'`.
   */
  hosts?: 'loopback' | 'aws'
  /** The hosted-UI domain prefix in `'aws'` mode. Default `emulator`. */
  domainPrefix?: string
  /** Cognito's `UsernameAttributes`: `['email']` signs users in by email and gives them a generated username. Default none. */
  usernameAttributes?: Array<'email'>
  /** Cognito's `UsernameConfiguration.CaseSensitive`. Default true. */
  caseSensitive?: boolean
  /** Default: the demo users (alice in admin, bob in editor, carol in none). */
  users?: EmulatorUser[]
  /** Default: the demo client (confidential, callbacks on http://localhost:5000). */
  clients?: EmulatorClient[]
  /** Seconds. Defaults: access and ID tokens 3600, refresh tokens 30 days, codes 300, hosted-UI session 3600. */
  accessTokenTtl?: number
  idTokenTtl?: number
  refreshTokenTtl?: number
  codeTtl?: number
  sessionTtl?: number
}

export const DEFAULT_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']

export const demoClient: EmulatorClient = {
  clientId: '7demo0c1ient0id0emu1ator00',
  clientSecret: 'demo-client-secret-0123456789abcdefghijklmnopqrstuv',
  callbackUrls: ['http://localhost:5000/postlogin'],
  logoutUrls: ['http://localhost:5000/postlogout']
}

export const demoPassword = 'Passw0rd!'

export const demoUsers: EmulatorUser[] = [
  { username: 'alice', password: demoPassword, email: 'alice@example.com', emailVerified: true, groups: ['admin'] },
  { username: 'bob', password: demoPassword, email: 'bob@example.com', emailVerified: true, groups: ['editor'] },
  { username: 'carol', password: demoPassword, email: 'carol@example.com', emailVerified: false }
]
