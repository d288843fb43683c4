import { TokenRejected } from './token-rejected.js'

/** The shape a claim must have when present: Cognito's documented types. */
type Kind = 'string' | 'strings' | 'time' | 'boolean'

const isKind: Record<Kind, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  strings: (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
  time: (value) => typeof value === 'number' && Number.isFinite(value),
  boolean: (value) => typeof value === 'boolean'
}

/** Claims of both token kinds that the plugin or `request.cognito` reads. */
const COMMON: Record<string, Kind> = {
  sub: 'string',
  iss: 'string',
  token_use: 'string',
  jti: 'string',
  origin_jti: 'string',
  event_id: 'string',
  aud: 'string',
  exp: 'time',
  iat: 'time',
  nbf: 'time',
  auth_time: 'time',
  'cognito:groups': 'strings'
}

export const ACCESS_CLAIMS: Record<string, Kind> = { ...COMMON, client_id: 'string', scope: 'string', username: 'string' }

export const ID_CLAIMS: Record<string, Kind> = {
  ...COMMON,
  'cognito:username': 'string',
  nonce: 'string',
  at_hash: 'string',
  email: 'string',
  email_verified: 'boolean',
  phone_number_verified: 'boolean'
}

/**
 * Refuses a token whose claims, where present, are not of Cognito's types: a `cognito:groups` string would turn
 * group checks into substring matches, and a `scope` array would throw where routes read it.
 */
export function checkClaimTypes (payload: Record<string, unknown>, kinds: Record<string, Kind>): void {
  for (const claim in kinds) {
    const value = payload[claim]
    if (value !== undefined && !isKind[kinds[claim] as Kind](value)) throw new TokenRejected(`ERR_JWT_CLAIM_VALIDATION_FAILED: ${claim} is not a ${kinds[claim]}`)
  }
}
