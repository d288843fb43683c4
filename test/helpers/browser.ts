import { request, type Dispatcher } from 'undici'

interface StoredCookie { value: string, path: string, expires: number, secure: boolean, httpOnly: boolean }

export interface Hop {
  url: string
  status: number
  headers: Record<string, string | string[] | undefined>
  setCookies: string[]
  body: string
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * A small browser: a cookie jar keyed by host (not port, as browsers do), that follows redirects when asked.
 * Loopback hosts count as secure contexts, as Chromium treats them, so `Secure` cookies work over http://localhost.
 */
export class Browser {
  readonly cookies = new Map<string, Map<string, StoredCookie>>()

  /** `dispatcher`: how requests travel, e.g. the emulator's, which reaches its Cognito hosts. */
  constructor (private readonly dispatcher?: Dispatcher) {}

  cookieHeader (url: URL): string {
    const now = Date.now()
    const jar = this.cookies.get(url.hostname) ?? new Map<string, StoredCookie>()
    const secure = url.protocol === 'https:' || LOOPBACK.has(url.hostname)
    return [...jar].filter(([, c]) => c.expires > now && url.pathname.startsWith(c.path) && (!c.secure || secure))
      .map(([name, c]) => `${name}=${c.value}`).join('; ')
  }

  cookie (host: string, name: string): StoredCookie | undefined {
    return this.cookies.get(host)?.get(name)
  }

  setCookie (host: string, name: string, value: string): void {
    const jar = this.cookies.get(host) ?? new Map<string, StoredCookie>()
    jar.set(name, { value, path: '/', expires: Infinity, secure: false, httpOnly: true })
    this.cookies.set(host, jar)
  }

  private store (url: URL, setCookie: string): void {
    const [pair = '', ...attrs] = setCookie.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const cookie: StoredCookie = { value: pair.slice(eq + 1).trim(), path: '/', expires: Infinity, secure: false, httpOnly: false }
    for (const attr of attrs) {
      const [key = '', val = ''] = attr.trim().split('=')
      const k = key.toLowerCase()
      if (k === 'path') cookie.path = val
      else if (k === 'max-age') cookie.expires = Date.now() + Number(val) * 1000
      else if (k === 'expires' && cookie.expires === Infinity) cookie.expires = Date.parse(val)
      else if (k === 'secure') cookie.secure = true
      else if (k === 'httponly') cookie.httpOnly = true
    }
    const jar = this.cookies.get(url.hostname) ?? new Map<string, StoredCookie>()
    if (cookie.expires <= Date.now()) jar.delete(name)
    else jar.set(name, cookie)
    this.cookies.set(url.hostname, jar)
  }

  /** One request, no redirect following. */
  async fetch (href: string, init: { method?: string, form?: Record<string, string>, headers?: Record<string, string> } = {}): Promise<Hop> {
    const url = new URL(href)
    const headers: Record<string, string> = { accept: 'text/html', ...init.headers }
    const cookie = this.cookieHeader(url)
    if (cookie !== '') headers.cookie = cookie
    let body: string | undefined
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    }
    const res = await request(url, { method: (init.method ?? (body === undefined ? 'GET' : 'POST')) as 'GET', headers, body, dispatcher: this.dispatcher })
    const raw = res.headers['set-cookie']
    const setCookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
    for (const c of setCookies) this.store(url, c)
    return { url: url.href, status: res.statusCode, headers: res.headers, setCookies, body: await res.body.text() }
  }

  /** Follows 3xx from `href` until a non-redirect answer; returns every hop, the last one last. */
  async follow (href: string, init: Parameters<Browser['fetch']>[1] = {}, maxHops = 10): Promise<Hop[]> {
    const hops = [await this.fetch(href, init)]
    for (let hop = hops[0] as Hop; hop.status >= 300 && hop.status < 400; hop = hops[hops.length - 1] as Hop) {
      if (hops.length > maxHops) throw new Error(`more than ${maxHops} redirects`)
      hops.push(await this.fetch(new URL(String(hop.headers.location), hop.url).href))
    }
    return hops
  }
}

/** The value of a hidden or text input in an HTML form. */
export function formValue (html: string, name: string): string | undefined {
  return new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1]
}

/** The form's action attribute, HTML entities decoded. */
export function formAction (html: string): string {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1]
  if (action === undefined) throw new Error('no form on the page')
  return action.replaceAll('&amp;', '&')
}

export const last = <T>(items: T[]): T => items[items.length - 1] as T
