import { optionsFromEnv } from '../env.js'
import { resolveOptions, type CognitoAuthOptions, type ResolvedOptions } from '../options.js'
import { fail, pass, reason, type CheckResult } from './result.js'

/**
 * The environment variable `optionsFromEnv` reads for an option, found by asking `optionsFromEnv` itself (which
 * names it reads, then which option each one fills), so the env names live in env.ts only.
 */
export function envNameOf (option: string): string | undefined {
  const read: string[] = []
  optionsFromEnv(new Proxy({}, { get: (_target, name) => { if (typeof name === 'string') read.push(name) } }))
  return read.find((name) => option in optionsFromEnv({ [name]: '1' }))
}

/** Every option through the plugin's own validation, exactly as `register` runs it. */
export function optionsCheck (options: CognitoAuthOptions): { result: CheckResult, resolved?: ResolvedOptions } {
  try {
    const resolved = resolveOptions(options)
    return { result: pass('options', `every option is valid (client ${resolved.clientId}, ${resolved.clientSecret === undefined ? 'public: no client secret' : 'confidential: with a client secret'})`), resolved }
  } catch (err) {
    const option = /^Invalid option (\w+):/.exec((err as Error).message)?.[1] ?? 'options'
    const env = envNameOf(option)
    const verb = (options as unknown as Record<string, unknown>)[option] === undefined ? 'set' : 'correct'
    return { result: fail('options', reason(err), env === undefined ? `${verb} ${option} where the app registers the plugin` : `${verb} ${env} (option ${option})`) }
  }
}

const DEVELOPMENT = new Set(['development', 'test'])

/** `disabled` lets every request through as a test identity: only for development and tests. */
export function modeCheck (options: CognitoAuthOptions, nodeEnv: string | undefined): CheckResult {
  if (options.disabled !== true) return pass('mode', 'login is on (disabled is off)')
  const where = `NODE_ENV=${nodeEnv ?? '(unset)'}`
  if (nodeEnv !== undefined && DEVELOPMENT.has(nodeEnv)) return pass('mode', `disabled (test mode) with ${where}: protected routes let everyone through as a test identity`)
  return fail('mode', `disabled (test mode) is on with ${where}: every protected route lets anyone through`,
    'unset AWS_COGNITO_DISABLED (option disabled) outside development and tests')
}

/** A URL's site, roughly: scheme and the last two labels of the host (an IP address whole). */
function siteOf (url: URL): string {
  const host = url.hostname
  const labels = /^[\d.]+$|^\[/.test(host) ? [host] : host.split('.')
  return `${url.protocol}//${labels.slice(-2).join('.')}`
}

/** Whether a cookie `Domain` attribute is accepted by a browser on `host`. */
function covers (cookieDomain: string, host: string): boolean {
  const domain = cookieDomain.replace(/^\./, '').toLowerCase()
  return host === domain || host.endsWith(`.${domain}`)
}

/** Cookie settings that a browser would refuse, or that keep the login cookie from coming back with the callback. */
export function cookiesCheck (options: ResolvedOptions): CheckResult {
  const { redirectUrl, cookieSecure, cookieSameSite, cookieDomain, domain } = options
  const problems: Array<[string, string]> = []
  if (cookieSecure && redirectUrl.protocol === 'http:') {
    problems.push([`Secure cookies with a plain-http redirectUrl (${redirectUrl.origin}): browsers that do not treat it as secure (Safari) drop them`,
      'leave cookieSecure unset (it is false for a plain-http loopback redirectUrl), or serve the app over https'])
  }
  if (cookieSameSite === 'none' && redirectUrl.protocol !== 'https:') {
    problems.push(['SameSite=None without https: browsers refuse such cookies', 'use AWS_COGNITO_COOKIE_SAMESITE=lax (the default), or https'])
  }
  if (cookieDomain !== undefined && !covers(cookieDomain, redirectUrl.hostname)) {
    problems.push([`cookieDomain ${cookieDomain} does not cover redirectUrl's host ${redirectUrl.hostname}: the browser refuses the cookies`,
      `set AWS_COGNITO_COOKIE_DOMAIN to ${redirectUrl.hostname} or a parent domain of it, or unset it (host-only cookies)`])
  }
  if (cookieSameSite === 'strict' && siteOf(new URL(domain)) !== siteOf(redirectUrl)) {
    problems.push([`SameSite=Strict: the callback is a navigation from Cognito's ${domain}, another site, so the login cookie is not sent with it (FST_COGNITO_INVALID_STATE)`,
      'use AWS_COGNITO_COOKIE_SAMESITE=lax (the default)'])
  }
  if (problems.length === 0) {
    return pass('cookies', `Secure=${cookieSecure}, SameSite=${cookieSameSite}, ${cookieDomain === undefined ? 'host-only' : `Domain=${cookieDomain}`}: they fit ${redirectUrl.origin}`)
  }
  return fail('cookies', problems.map(([detail]) => detail).join('; '), problems.map(([, fix]) => fix).join('; '))
}
