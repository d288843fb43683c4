import { InvalidOptionError } from './errors.js'

/** Checks shared by every option: each failure names the option in FST_COGNITO_INVALID_OPTION. */

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** An app client id as Cognito spells them. */
export const CLIENT_ID = /^[\w+]{1,128}$/
/** An AWS region, e.g. `eu-west-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/
/** A user pool id, `{region}_{id}`; the first group is the region. */
export const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/
/** An OAuth scope token (RFC 6749 §3.3). */
export const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** How failures name options: as given, or as a tenant's (`tenants.{key}.{name}`) while its settings are resolved. */
let optionName = (name: string): string => name

/** Runs `resolve` (synchronous) with every failure naming its option through `rename`. */
export function naming<T> (rename: (name: string) => string, resolve: () => T): T {
  const outer = optionName
  optionName = rename
  try {
    return resolve()
  } finally {
    optionName = outer
  }
}

export function fail (name: string, why: string): never {
  throw new InvalidOptionError(optionName(name), why)
}

export function text (name: string, value: unknown, pattern?: RegExp): string {
  if (typeof value !== 'string' || value === '') fail(name, 'a non-empty string is required')
  if (pattern !== undefined && !pattern.test(value)) fail(name, `${JSON.stringify(value)} is malformed`)
  return value
}

export function seconds (name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(name, `an integer of at least ${min} is required`)
  return value
}

export function absoluteUrl (name: string, value: unknown): URL {
  let url: URL
  try {
    url = new URL(text(name, value))
  } catch {
    return fail(name, 'an absolute URL is required')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    fail(name, 'https is required (plain http only on localhost)')
  }
  return url
}

/** A same-origin path: starts with one `/`, not `//` or `/\`. */
export function localPath (name: string, value: unknown): string {
  if (value === undefined) return '/'
  if (typeof value !== 'string' || !/^\/(?![/\\])[^\s]*$/.test(value)) fail(name, 'a path starting with a single / is required')
  return value
}

/** A pool's token issuer: `value` when set (for the emulator or a proxy), else Cognito's for the region and pool. */
export function poolIssuer (name: string, value: unknown, region: string, userPoolId: string): string {
  if (value === undefined) return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
  return absoluteUrl(name, value).href.replace(/\/$/, '')
}

export function flag (name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(name, 'a boolean is required')
  return value
}
