import fastifyCookie, { type SerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { CookieTooLargeError } from './errors.js'

const { serialize } = fastifyCookie.fastifyCookie

/** Longest value one cookie carries; with its attributes a Set-Cookie then stays well under 4096 bytes. */
const CHUNK = 3800
/** Most chunks of one value read or written: ours need at most two; more chunk names on a request are ignored, so a hostile Cookie header costs linear work and a few Set-Cookie headers. */
export const MAX_CHUNKS = 3

type Cookies = Record<string, string | undefined>

/**
 * One cookie's value from a Cookie header, without parsing the rest: the first `name=` that starts the header or
 * follows a `;` (so `xname=` never matches). Values are returned as sent; the plugin only writes URL-safe ones.
 */
export function cookieValue (header: string, name: string): string | undefined {
  const prefix = `${name}=`
  for (let at = header.indexOf(prefix); at !== -1; at = header.indexOf(prefix, at + 1)) {
    let before = at - 1
    while (before >= 0 && (header.charCodeAt(before) === 32 || header.charCodeAt(before) === 9)) before--
    if (before === -1 || header.charCodeAt(before) === 59) {
      const end = header.indexOf(';', at)
      return header.slice(at + prefix.length, end === -1 ? undefined : end).trim()
    }
  }
  return undefined
}

/**
 * The request's cookies as a lookup: @fastify/cookie's where its hook ran (the plugin's routes, or apps that
 * register it), else read straight from the header. So the plugin adds no hook to the app's other routes, and a
 * protected route reads only the cookies it needs.
 */
function cookiesOf (request: FastifyRequest): Cookies | string {
  const parsed = (request as unknown as { cookies?: Cookies | null }).cookies
  return parsed ?? request.headers.cookie ?? ''
}

const lookup = (cookies: Cookies | string, name: string): string | undefined =>
  typeof cookies === 'string' ? cookieValue(cookies, name) : cookies[name]

/** Cookie names that carry chunks of `name`, in order, as present on the request. */
function chunkNames (cookies: Cookies | string, name: string): string[] {
  const names: string[] = []
  for (let i = 0; i < MAX_CHUNKS && lookup(cookies, `${name}.${i}`) !== undefined; i++) names.push(`${name}.${i}`)
  return names
}

/**
 * Sets a cookie through @fastify/cookie where it is active on the reply, else straight into Set-Cookie; either way
 * the last write of a name wins, so clearing then setting a cookie in one response sends one header for it.
 */
function setCookie (reply: FastifyReply, name: string, value: string, options: SerializeOptions): void {
  const withPlugin = reply as FastifyReply & { setCookie?: unknown }
  if (typeof withPlugin.setCookie === 'function') {
    reply.setCookie(name, value, options)
    return
  }
  const previous = reply.getHeader('set-cookie')
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)]
  // Fastify appends to Set-Cookie rather than replacing it: remove, then set the whole list.
  reply.removeHeader('set-cookie')
  reply.header('set-cookie', [...list.filter((cookie) => !cookie.startsWith(`${name}=`)), serialize(name, value, options)])
}

/**
 * The plugin's cookies. Values are URL-safe (no percent-encoding growth), and a value too long for one
 * cookie is split over `name.0`, `name.1`, … so no Set-Cookie passes the 4 KB browsers keep.
 */
export class CookieStore {
  constructor (private readonly options: SerializeOptions) {}

  read (request: FastifyRequest, name: string): string | undefined {
    const cookies = cookiesOf(request)
    const whole = lookup(cookies, name)
    if (whole !== undefined) return whole === '' ? undefined : whole
    const chunks = chunkNames(cookies, name)
    return chunks.length === 0 ? undefined : chunks.map((n) => lookup(cookies, n)).join('')
  }

  write (request: FastifyRequest, reply: FastifyReply, name: string, value: string, maxAge = this.options.maxAge): void {
    const options = { ...this.options, maxAge, encode: String }
    const written = new Set<string>()
    if (value.length <= CHUNK) {
      setCookie(reply, name, value, options)
      written.add(name)
    } else {
      if (value.length > CHUNK * MAX_CHUNKS) throw new CookieTooLargeError(name, CHUNK * MAX_CHUNKS)
      for (let i = 0; i * CHUNK < value.length; i++) {
        setCookie(reply, `${name}.${i}`, value.slice(i * CHUNK, (i + 1) * CHUNK), options)
        written.add(`${name}.${i}`)
      }
    }
    const cookies = cookiesOf(request)
    for (const stale of [name, ...chunkNames(cookies, name)]) {
      if (!written.has(stale) && lookup(cookies, stale) !== undefined) this.expire(reply, stale)
    }
  }

  clear (request: FastifyRequest, reply: FastifyReply, name: string): void {
    for (const stale of [name, ...chunkNames(cookiesOf(request), name)]) this.expire(reply, stale)
  }

  private expire (reply: FastifyReply, name: string): void {
    setCookie(reply, name, '', { ...this.options, maxAge: 0, expires: new Date(0) })
  }
}
