import { TokenRejected } from './token-rejected.js'

/** A compact JWS split and decoded; nothing is trusted until its signature is checked. */
export interface DecodedJwt {
  header: { alg: 'RS256', kid?: string }
  payload: Record<string, unknown>
  signingInput: Buffer
  signature: Buffer
}

function json (segment: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    throw new TokenRejected('ERR_JWT_INVALID')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TokenRejected('ERR_JWT_INVALID')
  return value as Record<string, unknown>
}

/**
 * Splits an RS256 token. The signature must be canonical base64url, so one token has one spelling; header and
 * payload need no such check, since the signature covers their exact characters.
 */
export function decodeJwt (token: string): DecodedJwt {
  const parts = token.split('.')
  if (parts.length !== 3) throw new TokenRejected('ERR_JWS_INVALID')
  const [h, p, s] = parts as [string, string, string]
  const signature = Buffer.from(s, 'base64url')
  if (signature.length === 0 || signature.toString('base64url') !== s) throw new TokenRejected('ERR_JWS_INVALID')
  const header = json(h)
  if (header.alg !== 'RS256') throw new TokenRejected('ERR_JOSE_ALG_NOT_ALLOWED')
  // RFC 7515: a critical extension we do not understand makes the token invalid.
  if (header.crit !== undefined) throw new TokenRejected('ERR_JOSE_NOT_SUPPORTED')
  return { header: header as DecodedJwt['header'], payload: json(p), signingInput: Buffer.from(`${h}.${p}`), signature }
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** `exp` required and not passed, `iat` required and not in the future, `nbf` (if any) reached; all with `leeway` seconds. */
export function checkTimes (payload: Record<string, unknown>, now: number, leeway: number): void {
  const { exp, iat, nbf } = payload
  if (!isTime(exp)) throw new TokenRejected('ERR_JWT_CLAIM_VALIDATION_FAILED: exp')
  if (!isTime(iat)) throw new TokenRejected('ERR_JWT_CLAIM_VALIDATION_FAILED: iat')
  if (nbf !== undefined && !isTime(nbf)) throw new TokenRejected('ERR_JWT_CLAIM_VALIDATION_FAILED: nbf')
  if (exp <= now - leeway) throw new TokenRejected('ERR_JWT_EXPIRED', true)
  if (iat > now + leeway) throw new TokenRejected('iat is in the future')
  if (nbf !== undefined && nbf > now + leeway) throw new TokenRejected('ERR_JWT_CLAIM_VALIDATION_FAILED: nbf')
}
