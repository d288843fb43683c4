import { errors, request, type Dispatcher } from 'undici'
import { CodeRejectedError, IdpResponseError, IdpTimeoutError, IdpUnreachableError } from './errors.js'
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

/** undici's failures mapped to our codes; the message names the endpoint, never a token or secret. */
function networkError (err: unknown, endpoint: string): Error {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || err instanceof errors.ConnectTimeoutError) {
    return new IdpTimeoutError(endpoint)
  }
  return new IdpUnreachableError(`${endpoint} (${(err as { code?: string }).code ?? (err as Error).name})`)
}

/** Calls to Cognito's OAuth2 endpoints, with bounded waits and an injectable dispatcher. */
export class TokenClient {
  private readonly authorization?: string

  constructor (private readonly options: TokenClientOptions) {
    if (options.clientSecret !== undefined) {
      this.authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`
    }
  }

  /** POSTs a form with the client's authentication: Basic for confidential clients, `client_id` in the body for public ones. */
  private async post (url: string, form: Record<string, string>): Promise<{ status: number, text: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
    const body = new URLSearchParams(form)
    if (this.authorization === undefined) body.set('client_id', this.options.clientId)
    else headers.authorization = this.authorization
    const { timeout, dispatcher } = this.options
    try {
      const res = await request(url, { method: 'POST', headers, body: body.toString(), headersTimeout: timeout, bodyTimeout: timeout, dispatcher })
      return { status: res.statusCode, text: await res.body.text() }
    } catch (err) {
      throw networkError(err, new URL(url).pathname)
    }
  }

  private async tokenRequest (form: Record<string, string>): Promise<TokenResponse> {
    const { status, text } = await this.post(this.options.endpoints.token, form)
    let body: Partial<TokenResponse> & { error?: unknown }
    try {
      body = JSON.parse(text)
    } catch {
      throw new IdpResponseError(`token endpoint status ${status}, not JSON`)
    }
    if (status === 400 && body.error === 'invalid_grant') throw new CodeRejectedError()
    if (status !== 200) {
      throw new IdpResponseError(`token endpoint status ${status}${typeof body.error === 'string' ? ` ${body.error.slice(0, 40)}` : ''}`)
    }
    if (typeof body.access_token !== 'string') throw new IdpResponseError('token endpoint answer has no access_token')
    return body as TokenResponse
  }

  /** Exchanges an authorization code (with its PKCE verifier) for tokens. */
  async exchangeCode (code: string, verifier: string, redirectUri: string): Promise<TokenResponse> {
    return await this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier })
  }
}
