/** Helpers for the callback and fault suites. */
import assert from 'node:assert/strict'
import { json, type Browser, type TestApp } from '../helpers/app.js'
import { formAction, formValue, type Hop } from '../helpers/browser.js'

/**
 * Starts a login and stops at the redirect back to the app: returns the callback URL Cognito sent the browser to.
 * `tamper` may change the authorize request on its way to Cognito, as an attacker in the middle would.
 */
export async function callbackUrl (browser: Browser, app: TestApp, username = 'alice', tamper?: (params: URLSearchParams) => void, loginPath = '/login'): Promise<string> {
  const login = await browser.fetch(`${app.url}${loginPath}`)
  const authorize = await browser.fetch(withQuery(login.headers.location as string, tamper ?? (() => {})))
  const location = authorize.headers.location as string
  // A live hosted-UI session answers with the callback at once.
  if (!location.startsWith('/login')) return location
  const form = await browser.fetch(new URL(location, authorize.url).href)
  const back = await browser.fetch(new URL(formAction(form.body), form.url).href, {
    form: { _csrf: formValue(form.body, '_csrf') ?? '', username, password: 'Passw0rd!' }
  })
  return back.headers.location as string
}

/**
 * A refused callback: the pending logins are gone and no token is set. A callback whose state matched a pending
 * login also clears the earlier login; one whose state did not (forged, replayed, cross-site) leaves it alone.
 */
export function assertRefused (hop: Hop, status: number, code: string): void {
  assert.equal(hop.status, status, hop.body)
  assert.equal(json(hop).code, code)
  assert.ok(hop.setCookies.some((c) => /^cognito-session=;.*Max-Age=0/.test(c)), 'session cleared')
  if (code !== 'FST_COGNITO_INVALID_STATE') assert.ok(hop.setCookies.some((c) => /^cognito-access-token=;/.test(c)), 'access cookie cleared')
  assert.ok(!hop.setCookies.some((c) => /^cognito-access-token=[^;]/.test(c)), 'no access token set')
}

export const withQuery = (href: string, change: (q: URLSearchParams) => void): string => {
  const url = new URL(href)
  change(url.searchParams)
  return url.href
}
