import { randomUUID } from 'node:crypto'
import { DEFAULT_SCOPES, demoClient, demoUsers, type EmulatorClient, type EmulatorOAuthFlow, type EmulatorOptions, type EmulatorUser } from './config.js'

/** A user as the emulator keeps it: every optional field settled once. */
export interface PoolUser extends Required<Omit<EmulatorUser, 'email' | 'emailVerified'>> {
  email?: string
  emailVerified: boolean
}

export interface PoolClient extends EmulatorClient {
  scopes: string[]
  identityProviders: string[]
  allowedOAuthFlows: EmulatorOAuthFlow[]
  retryGracePeriodSeconds: number
  enableTokenRevocation: boolean
}

export interface PoolConfig {
  region: string
  userPoolId: string
  users: Map<string, PoolUser>
  clients: Map<string, PoolClient>
  ttl: { access: number, id: number, refresh: number, code: number, session: number }
  /** How the sign-in form and `issueTokens` find a user by what was typed. */
  signIn: { byEmail: boolean, caseSensitive: boolean }
}

function settleUser (u: EmulatorUser, byEmail: boolean): PoolUser {
  const sub = u.sub ?? randomUUID()
  if (byEmail && u.username !== undefined) throw new TypeError(`user ${u.username}: pools that sign in by email generate usernames; give an email only`)
  if (byEmail && u.email === undefined) throw new TypeError('every user of a pool that signs in by email needs an email')
  const username = byEmail ? sub : u.username
  if (username === undefined) throw new TypeError('every user needs a username')
  return { groups: [], attributes: {}, ...u, sub, username, emailVerified: u.emailVerified ?? false }
}

function settleClient (c: EmulatorClient): PoolClient {
  const client = { scopes: DEFAULT_SCOPES, identityProviders: ['COGNITO'], allowedOAuthFlows: ['code'] as EmulatorOAuthFlow[], retryGracePeriodSeconds: 0, enableTokenRevocation: true, ...c }
  const flows = client.allowedOAuthFlows
  if (flows.includes('client_credentials') && flows.includes('code')) throw new TypeError(`client ${c.clientId}: client_credentials cannot be combined with code`)
  if (flows.includes('client_credentials') && c.clientSecret === undefined) throw new TypeError(`client ${c.clientId}: client_credentials needs a client secret`)
  const grace = client.retryGracePeriodSeconds
  if (!Number.isInteger(grace) || grace < 0 || grace > 60) throw new RangeError(`client ${c.clientId}: retryGracePeriodSeconds must be 0 to 60`)
  return client
}

/** Finds a user by what they typed at sign-in: the username, or the email where the pool signs in by email; case-folded when the pool is not case-sensitive. */
export function findUser (config: PoolConfig, name: string): PoolUser | undefined {
  const exact = config.users.get(name)
  if (exact !== undefined || (config.signIn.caseSensitive && !config.signIn.byEmail)) return exact
  const fold = (text: string): string => config.signIn.caseSensitive ? text : text.toLowerCase()
  const wanted = fold(name)
  for (const user of config.users.values()) {
    if (fold(user.username) === wanted || (config.signIn.byEmail && user.email !== undefined && fold(user.email) === wanted)) return user
  }
  return undefined
}

/** Settles the options into the pool's configuration, refusing what Cognito would refuse to create. */
export function poolConfig (options: EmulatorOptions): PoolConfig {
  const region = options.region ?? 'us-east-1'
  const signIn = { byEmail: options.usernameAttributes?.includes('email') ?? false, caseSensitive: options.caseSensitive ?? true }
  const given = options.users ?? (signIn.byEmail ? demoUsers.map(({ username: _generated, ...u }) => u) : demoUsers)
  const config: PoolConfig = {
    region,
    userPoolId: options.userPoolId ?? `${region}_Emulat0r`,
    users: new Map(),
    clients: new Map((options.clients ?? [demoClient]).map((c) => [c.clientId, settleClient(c)])),
    ttl: {
      access: options.accessTokenTtl ?? 3600,
      id: options.idTokenTtl ?? 3600,
      refresh: options.refreshTokenTtl ?? 30 * 24 * 3600,
      code: options.codeTtl ?? 300,
      session: options.sessionTtl ?? 3600
    },
    signIn
  }
  for (const u of given) {
    const user = settleUser(u, signIn.byEmail)
    const clash = findUser(config, user.username) ?? (signIn.byEmail ? findUser(config, user.email as string) : undefined)
    if (clash !== undefined) throw new TypeError(`user ${user.username}: another user already signs in with that name`)
    config.users.set(user.username, user)
  }
  return config
}
