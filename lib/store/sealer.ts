import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const IV = 12
const TAG = 16

/**
 * AES-256-GCM under a key derived from `secret` by HKDF (as the session keys are), for what the plugin keeps
 * outside the process: tokens in Redis, the server session id in its cookie. `context` is bound into each value
 * (a Redis key's value cannot be moved to another key). The first secret seals, every secret opens.
 */
export class Sealer {
  private readonly keys: Buffer[]

  constructor (secrets: string[], purpose: string) {
    this.keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'fastify-cognito-auth', purpose, 32)))
  }

  seal (plain: string, context = ''): string {
    const iv = randomBytes(IV)
    const cipher = createCipheriv('aes-256-gcm', this.keys[0] as Buffer, iv).setAAD(Buffer.from(context))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** The plain text, or undefined for anything not sealed here with this context (tampered, foreign, truncated). */
  open (sealed: string, context = ''): string | undefined {
    const raw = Buffer.from(sealed, 'base64url')
    if (raw.length < IV + TAG) return undefined
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV)).setAAD(Buffer.from(context))
        decipher.setAuthTag(raw.subarray(IV, IV + TAG))
        return Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]).toString('utf8')
      } catch {}
    }
    return undefined
  }
}
