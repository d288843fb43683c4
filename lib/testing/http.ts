import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The largest form body the emulator reads; more is refused as Cognito's edge would. */
const MAX_BODY = 64 * 1024

export class BodyTooLarge extends Error {}

export async function readForm (req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new BodyTooLarge()
    chunks.push(chunk as Buffer)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

export function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache', ...headers })
  res.end(JSON.stringify(body))
}

/** Cognito's OAuth error body: `{"error": "...", "error_description"?: "..."}`, 400 unless told. */
export function sendOAuthError (res: ServerResponse, error: string, description?: string, status = 400): void {
  sendJson(res, status, description === undefined ? { error } : { error, error_description: description })
}

export function sendHtml (res: ServerResponse, status: number, html: string, cookies: string[] = []): void {
  res.writeHead(status, { 'content-type': 'text/html;charset=UTF-8', 'cache-control': 'no-store', 'set-cookie': cookies })
  res.end(html)
}

export function redirect (res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'set-cookie': cookies })
  res.end()
}

export function parseCookies (header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  return cookies
}

/** The emulator serves plain http on loopback, so its cookies carry no `Secure` flag (Cognito's do). */
export function serializeCookie (name: string, value: string, { maxAge }: { maxAge: number }): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`
}

export function sameSecret (a: string, b: string): boolean {
  // Compared by bytes: a non-ASCII string may have another's length in characters and not in bytes.
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** `Authorization: Basic base64(id:secret)`, or undefined when absent or malformed. */
export function basicCredentials (header: string | undefined): { id: string, secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (match === null) return undefined
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

export function appendQuery (url: string, params: Record<string, string | undefined>): string {
  const target = new URL(url)
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) target.searchParams.set(key, value)
  }
  return target.href
}
