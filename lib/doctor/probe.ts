import { request, type Dispatcher } from 'undici'
import { IdpTimeoutError } from '../errors.js'
import { networkError } from '../token-client.js'

/** How the doctor calls out: the plugin's own `requestTimeout` and `dispatcher`. */
export interface ProbeOptions {
  requestTimeout: number
  dispatcher?: Dispatcher
}

/** One answer, as much of it as the checks read. */
export interface Answer {
  status: number
  /** The `Location` header, resolved against the URL asked. */
  location?: URL
  /** The `Date` header, in ms since the epoch. */
  date?: number
  /** This machine's clock halfway through the call, in ms: what `date` is compared with. */
  midpoint: number
  text: string
}

/** Bodies the checks read are small pages and JSON documents; anything longer is cut here. */
const MAX_TEXT = 256 * 1024

/**
 * A GET that never follows redirects and never waits longer than `requestTimeout` in all (connection included).
 * Network failures become the plugin's own FST_COGNITO_IDP_TIMEOUT / FST_COGNITO_IDP_UNREACHABLE errors.
 */
export async function probe (url: string, { requestTimeout, dispatcher }: ProbeOptions): Promise<Answer> {
  const signal = AbortSignal.timeout(requestTimeout)
  const sent = Date.now()
  try {
    const res = await request(url, { method: 'GET', headers: { accept: 'application/json, text/html' }, signal, dispatcher })
    const text = (await res.body.text()).slice(0, MAX_TEXT)
    const location = typeof res.headers.location === 'string' ? new URL(res.headers.location, url) : undefined
    const date = typeof res.headers.date === 'string' ? Date.parse(res.headers.date) : NaN
    return { status: res.statusCode, location, date: Number.isNaN(date) ? undefined : date, midpoint: (sent + Date.now()) / 2, text }
  } catch (err) {
    // Named without the query: the checks' URLs carry a state and a PKCE challenge.
    const where = url.split('?', 1)[0] as string
    throw signal.aborted ? new IdpTimeoutError(`${where} after ${requestTimeout} ms`) : networkError(err, where)
  }
}

/** An answer's body as JSON, or undefined when it is not. */
export function jsonOf (answer: Answer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(answer.text) as unknown
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}
