import { errors, request, type Dispatcher } from 'undici'
import { ClientCredentialsRefusedError, CodeRejectedError, IdpResponseError, IdpTimeoutError, IdpUnreachableError } from './errors.js'
import type { Endpoints } from './endpoints.js'

/** What `/oauth2/token` answers on success. */
export interface TokenResponse {
  access_token: string
  id_token?: string
  refresh_token?: string
  expires_in: number
  token_type: string
}

export interface TokenClientOptions {
  endpoints: Endpoints
  clientId: string
  clientSecret?: string
  timeout: number
  dispatcher?: Dispatcher
}

/** The token endpoint refused a refresh token (`invalid_grant`): revoked, expired, or rotated away. */
export class RefreshRejected extends Error {}

/** undici's failures mapped to our codes; the message names the endpoint, never a token or secret. */
export function networkError (err: unknown, endpoint: string): Error {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || err instanceof errors.ConnectTimeoutError) {
    return new IdpTimeoutError(endpoint)
  }
  return new IdpUnreachableError(`${endpoint} (${(err as { code?: string }).code ?? (err as Error).name})`)
}

/** An IdP answer that must be a JSON object: `null`, arrays, numbers and non-JSON are coded errors, never a TypeError later. */
function jsonObject (text: string, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new IdpResponseError(`${what}, not JSON`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new IdpResponseError(`${what}, not a JSON object`)
  return value as Record<string, unknown>
}

/** Calls to Cognito's OAuth2 endpoints, with bounded waits and an injectable dispatcher. */
export class TokenClient {
  private readonly authorization?: string

  constructor (private readonly options: TokenClientOptions) {
    if (options.clientSecret !== undefined) {
      this.authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`
    }
  }

  /** One bounded request; undici's failures become coded errors naming the endpoint. */
  private async send (url: string, options: { method: 'GET' | 'POST', headers: Record<string, string>, body?: string }): Promise<{ status: number, text: string }> {
    const { timeout, dispatcher } = this.options
    try {
      const res = await request(url, { ...options, headersTimeout: timeout, bodyTimeout: timeout, dispatcher })
      return { status: res.statusCode, text: await res.body.text() }
    } catch (err) {
      throw networkError(err, new URL(url).pathname)
    }
  }

  /** POSTs a form with the client's authentication: Basic for confidential clients, `client_id` in the body for public ones. */
  private async post (url: string, form: Record<string, string>): Promise<{ status: number, text: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
    const body = new URLSearchParams(form)
    if (this.authorization === undefined) body.set('client_id', this.options.clientId)
    else headers.authorization = this.authorization
    return await this.send(url, { method: 'POST', headers, body: body.toString() })
  }

  /** A 400's OAuth `error` is the grant's fault (an expired code, a revoked refresh token): `refused` says what it means, if anything. */
  private async tokenRequest (form: Record<string, string>, refused: (error: unknown) => Error | undefined): Promise<TokenResponse> {
    const { status, text } = await this.post(this.options.endpoints.token, form)
    const body = jsonObject(text, `token endpoint status ${status}`)
    const refusal = status === 400 ? refused(body.error) : undefined
    if (refusal !== undefined) throw refusal
    if (status !== 200) {
      throw new IdpResponseError(`token endpoint status ${status}${typeof body.error === 'string' ? ` ${body.error.slice(0, 40)}` : ''}`)
    }
    if (typeof body.access_token !== 'string') throw new IdpResponseError('token endpoint answer has no access_token')
    for (const field of ['id_token', 'refresh_token'] as const) {
      if (body[field] !== undefined && typeof body[field] !== 'string') throw new IdpResponseError(`token endpoint answer has a ${field} that is not a string`)
    }
    return body as unknown as TokenResponse
  }

  /** Exchanges an authorization code (with its PKCE verifier) for tokens. */
  async exchangeCode (code: string, verifier: string, redirectUri: string): Promise<TokenResponse> {
    const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }
    return await this.tokenRequest(form, (error) => error === 'invalid_grant' ? new CodeRejectedError() : undefined)
  }

  /** New access and ID tokens (and a new refresh token when the client rotates them); `RefreshRejected` when the refresh token is dead. */
  async refresh (refreshToken: string): Promise<TokenResponse> {
    const form = { grant_type: 'refresh_token', refresh_token: refreshToken }
    return await this.tokenRequest(form, (error) => error === 'invalid_grant' ? new RefreshRejected() : undefined)
  }

  /** An access token for the client itself (`client_credentials`, no user); every OAuth refusal is `ClientCredentialsRefusedError`. */
  async clientCredentials (scopes: readonly string[]): Promise<TokenResponse> {
    const form: Record<string, string> = { grant_type: 'client_credentials' }
    if (scopes.length > 0) form.scope = scopes.join(' ')
    return await this.tokenRequest(form, (error) => typeof error === 'string' ? new ClientCredentialsRefusedError(error.slice(0, 40)) : undefined)
  }

  /** Revokes a refresh token and the access tokens issued with it. */
  async revoke (refreshToken: string): Promise<void> {
    const { status } = await this.post(this.options.endpoints.revoke, { token: refreshToken })
    if (status !== 200) throw new IdpResponseError(`revoke endpoint status ${status}`)
  }

  private async askUserInfo (accessToken: string): Promise<{ status: number, text: string }> {
    return await this.send(this.options.endpoints.userInfo, { method: 'GET', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } })
  }

  /** The user's attributes from `/oauth2/userInfo`, for an access token with `openid`. */
  async userInfo (accessToken: string): Promise<Record<string, unknown>> {
    const { status, text } = await this.askUserInfo(accessToken)
    if (status !== 200) throw new IdpResponseError(`userInfo endpoint status ${status}`)
    return jsonObject(text, 'userInfo endpoint answer')
  }

  /** Whether userInfo refuses the token as invalid (401: revoked by a sign-out, or its user deleted); other failures throw. */
  async accessTokenRevoked (accessToken: string): Promise<boolean> {
    const { status } = await this.askUserInfo(accessToken)
    if (status === 401) return true
    if (status === 200) return false
    throw new IdpResponseError(`userInfo endpoint status ${status}`)
  }
}
