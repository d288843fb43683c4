import { randomBytes, randomUUID } from 'node:crypto'
import type { PoolClient, PoolConfig, PoolUser } from './config.js'
import { atHash, createSigningKey, opaqueRefreshToken, signJwt, type SigningKey } from './keys.js'

/** A fault the token endpoint plays instead of answering normally. */
export interface TokenFault {
  /** HTTP status to answer with (default 500). */
  status?: number
  /** Raw body to answer with (default Cognito's `{"error":"server_error"}` JSON shape). */
  body?: string
  /** Default `application/json;charset=UTF-8`. */
  contentType?: string
  /** Wait this long before answering (or before the normal answer, when no status is set). */
  delayMs?: number
  /** Close the connection without answering. */
  destroy?: boolean
  /** How many requests it applies to; unlimited when absent. */
  times?: number
}

export interface CodeGrant {
  clientId: string
  redirectUri: string
  username: string
  scopes: string[]
  nonce?: string
  codeChallenge?: string
  authTime: number
  expiresAt: number
}

export interface RefreshGrant {
  clientId: string
  username: string
  scopes: string[]
  authTime: number
  originJti: string
  expiresAt: number
}

export interface TokenSet {
  access_token: string
  id_token?: string
  refresh_token?: string
  expires_in: number
  token_type: 'Bearer'
}

interface MintInput {
  user: PoolUser
  client: PoolClient
  scopes: string[]
  authTime: number
  originJti: string
  nonce?: string
}

/** The user pool's changing state: keys, grants, sessions, the clock, faults and counters. */
export class Pool {
  domain = ''
  issuer = ''
  clockOffset = 0
  jwksAvailable = true
  tokenFault: TokenFault | null = null
  readonly stats = { jwksRequests: 0, tokenRequests: 0, userInfoRequests: 0, revokeRequests: 0 }
  readonly codes = new Map<string, CodeGrant>()
  readonly refreshTokens = new Map<string, RefreshGrant>()
  readonly sessions = new Map<string, { username: string, expiresAt: number }>()
  readonly revokedOrigins = new Set<string>()
  /** Aborted when the emulator closes, ending any delay a fault is playing. */
  readonly closing = new AbortController()
  /** Keys no longer signing but still published, as after a Cognito key rotation. */
  readonly retiredKeys: SigningKey[] = []

  private constructor (readonly config: PoolConfig, public idKey: SigningKey, public accessKey: SigningKey) {}

  static async create (config: PoolConfig): Promise<Pool> {
    const [idKey, accessKey] = await Promise.all([createSigningKey(), createSigningKey()])
    return new Pool(config, idKey, accessKey)
  }

  /** Seconds since the epoch, shifted by the clock offset. */
  now (): number {
    return Math.floor(Date.now() / 1000) + this.clockOffset
  }

  publishedKeys (): SigningKey[] {
    return [this.idKey, this.accessKey, ...this.retiredKeys]
  }

  async rotateKeys (): Promise<void> {
    const [idKey, accessKey] = await Promise.all([createSigningKey(), createSigningKey()])
    this.retiredKeys.unshift(this.idKey, this.accessKey)
    this.idKey = idKey
    this.accessKey = accessKey
  }

  newSession (username: string): string {
    const sid = randomBytes(24).toString('base64url')
    this.sessions.set(sid, { username, expiresAt: this.now() + this.config.ttl.session })
    return sid
  }

  sessionUser (sid: string | undefined): PoolUser | undefined {
    const session = sid === undefined ? undefined : this.sessions.get(sid)
    if (session === undefined || session.expiresAt <= this.now()) return undefined
    return this.config.users.get(session.username)
  }

  newCode (grant: Omit<CodeGrant, 'expiresAt'>): string {
    const code = randomUUID()
    this.codes.set(code, { ...grant, expiresAt: this.now() + this.config.ttl.code })
    return code
  }

  newRefreshToken (grant: Omit<RefreshGrant, 'expiresAt'>): string {
    const token = opaqueRefreshToken()
    this.refreshTokens.set(token, { ...grant, expiresAt: this.now() + this.config.ttl.refresh })
    return token
  }

  /** Access token, and an ID token when `openid` was granted, shaped as Cognito issues them. */
  mintUserTokens ({ user, client, scopes, authTime, originJti, nonce }: MintInput): TokenSet {
    const iat = this.now()
    const eventId = randomUUID()
    const groups = user.groups.length > 0 ? { 'cognito:groups': user.groups } : {}
    const accessToken = signJwt(this.accessKey, {
      sub: user.sub,
      ...groups,
      iss: this.issuer,
      version: 2,
      client_id: client.clientId,
      origin_jti: originJti,
      event_id: eventId,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: authTime,
      exp: iat + this.config.ttl.access,
      iat,
      jti: randomUUID(),
      username: user.username
    })
    const tokens: TokenSet = { access_token: accessToken, expires_in: this.config.ttl.access, token_type: 'Bearer' }
    if (scopes.includes('openid')) {
      tokens.id_token = signJwt(this.idKey, {
        at_hash: atHash(accessToken),
        sub: user.sub,
        ...groups,
        ...(user.email === undefined ? {} : { email_verified: user.emailVerified }),
        iss: this.issuer,
        'cognito:username': user.username,
        ...(nonce === undefined ? {} : { nonce }),
        origin_jti: originJti,
        aud: client.clientId,
        event_id: eventId,
        token_use: 'id',
        auth_time: authTime,
        exp: iat + this.config.ttl.id,
        iat,
        jti: randomUUID(),
        ...(user.email === undefined ? {} : { email: user.email }),
        ...user.attributes
      })
    }
    return tokens
  }

  /** Everything a completed sign-in yields: access, ID (with `openid`) and a new refresh token sharing one `origin_jti`. */
  login (input: Omit<MintInput, 'originJti'>): TokenSet {
    const originJti = randomUUID()
    const tokens = this.mintUserTokens({ ...input, originJti })
    const grant = { clientId: input.client.clientId, username: input.user.username, scopes: input.scopes, authTime: input.authTime, originJti }
    return { ...tokens, refresh_token: this.newRefreshToken(grant) }
  }

  /** A machine-to-machine access token: no user, custom scopes only. */
  mintClientToken (client: PoolClient, scopes: string[]): TokenSet {
    const iat = this.now()
    const accessToken = signJwt(this.accessKey, {
      sub: client.clientId,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: iat,
      iss: this.issuer,
      exp: iat + this.config.ttl.access,
      iat,
      version: 2,
      jti: randomUUID(),
      client_id: client.clientId
    })
    return { access_token: accessToken, expires_in: this.config.ttl.access, token_type: 'Bearer' }
  }
}
