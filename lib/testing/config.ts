import { randomUUID } from 'node:crypto'

/** A user of the emulated pool. */
export interface EmulatorUser {
  username: string
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
  /** Issue a new refresh token on each refresh and retire the old one. Default false. */
  refreshTokenRotation?: boolean
}

export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Default us-east-1. */
  region?: string
  /** Default `{region}_Emulat0r`. */
  userPoolId?: string
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

/** A user as the emulator keeps it: every optional field settled once. */
export interface PoolUser extends Required<Omit<EmulatorUser, 'email' | 'emailVerified'>> {
  email?: string
  emailVerified: boolean
}

export interface PoolClient extends EmulatorClient {
  scopes: string[]
  identityProviders: string[]
}

export interface PoolConfig {
  region: string
  userPoolId: string
  users: Map<string, PoolUser>
  clients: Map<string, PoolClient>
  ttl: { access: number, id: number, refresh: number, code: number, session: number }
}

export function poolConfig (options: EmulatorOptions): PoolConfig {
  const region = options.region ?? 'us-east-1'
  const users = (options.users ?? demoUsers).map((u): PoolUser => ({
    sub: randomUUID(),
    groups: [],
    attributes: {},
    ...u,
    emailVerified: u.emailVerified ?? false
  }))
  const clients = (options.clients ?? [demoClient]).map((c): PoolClient => ({
    scopes: DEFAULT_SCOPES,
    identityProviders: ['COGNITO'],
    ...c
  }))
  return {
    region,
    userPoolId: options.userPoolId ?? `${region}_Emulat0r`,
    users: new Map(users.map((u) => [u.username, u])),
    clients: new Map(clients.map((c) => [c.clientId, c])),
    ttl: {
      access: options.accessTokenTtl ?? 3600,
      id: options.idTokenTtl ?? 3600,
      refresh: options.refreshTokenTtl ?? 30 * 24 * 3600,
      code: options.codeTtl ?? 300,
      session: options.sessionTtl ?? 3600
    }
  }
}
