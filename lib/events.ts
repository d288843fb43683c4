import { channel, type Channel } from 'node:diagnostics_channel'
import type { FastifyRequest } from 'fastify'

/** The audit events, each on `fastify-cognito-auth:<name>` of `node:diagnostics_channel`. */
export type AuditEvent = 'login' | 'login-failed' | 'logout' | 'refresh' | 'refresh-failed' | 'denied' | 'jwks-fetch'

/** What an audit message carries: who and where, never a token, code, verifier, secret or cookie value. */
export interface AuditMessage {
  sub?: string
  username?: string
  clientId?: string
  requestId?: string
  ip?: string
  /** The `FST_COGNITO_*` code of a failure or denial. */
  code?: string
  /** The route a denial happened on (its URL pattern). */
  route?: string
  /** The JWKS URL, for `jwks-fetch`. */
  url?: string
  /** Whether the JWKS fetch succeeded, for `jwks-fetch`. */
  ok?: boolean
}

const channels = new Map<AuditEvent, Channel>(
  (['login', 'login-failed', 'logout', 'refresh', 'refresh-failed', 'denied', 'jwks-fetch'] as const).map((name) => [name, channel(`fastify-cognito-auth:${name}`)])
)

/** The caller's part of a message. */
interface Who { sub?: string, username?: string, claims?: { client_id?: string } }

/** Request id, ip, and who the caller is where known. */
export const about = (request: FastifyRequest | undefined, who?: Who | null): AuditMessage => ({
  sub: who?.sub,
  username: who?.username,
  clientId: who?.claims?.client_id,
  requestId: request?.id,
  ip: request?.ip
})

/** Publishes when someone listens: the message is built only then, so an unobserved event costs one property read. */
export function publish (event: AuditEvent, message: () => AuditMessage): void {
  const target = channels.get(event) as Channel
  if (target.hasSubscribers) target.publish(message())
}
