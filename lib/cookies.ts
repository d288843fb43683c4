import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Longest value one cookie carries; with its attributes a Set-Cookie then stays well under 4096 bytes. */
const CHUNK = 3800

/** Cookie names that carry chunks of `name`, in order, as present on the request. */
function chunkNames (request: FastifyRequest, name: string): string[] {
  const names: string[] = []
  for (let i = 0; request.cookies[`${name}.${i}`] !== undefined; i++) names.push(`${name}.${i}`)
  return names
}

/**
 * The plugin's cookies. Values are URL-safe (no percent-encoding growth), and a value too long for one
 * cookie is split over `name.0`, `name.1`, … so no Set-Cookie passes the 4 KB browsers keep.
 */
export class CookieStore {
  constructor (private readonly options: CookieSerializeOptions) {}

  read (request: FastifyRequest, name: string): string | undefined {
    const whole = request.cookies[name]
    if (whole !== undefined) return whole === '' ? undefined : whole
    const chunks = chunkNames(request, name)
    return chunks.length === 0 ? undefined : chunks.map((n) => request.cookies[n]).join('')
  }

  write (request: FastifyRequest, reply: FastifyReply, name: string, value: string, maxAge = this.options.maxAge): void {
    const options = { ...this.options, maxAge, encode: String }
    const written = new Set<string>()
    if (value.length <= CHUNK) {
      reply.setCookie(name, value, options)
      written.add(name)
    } else {
      for (let i = 0; i * CHUNK < value.length; i++) {
        reply.setCookie(`${name}.${i}`, value.slice(i * CHUNK, (i + 1) * CHUNK), options)
        written.add(`${name}.${i}`)
      }
    }
    for (const stale of [name, ...chunkNames(request, name)]) {
      if (!written.has(stale) && request.cookies[stale] !== undefined) reply.clearCookie(stale, this.options)
    }
  }

  clear (request: FastifyRequest, reply: FastifyReply, name: string): void {
    for (const stale of [name, ...chunkNames(request, name)]) reply.clearCookie(stale, this.options)
  }
}
