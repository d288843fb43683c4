import { createHash, randomBytes } from 'node:crypto'
import type { CognitoEmulator } from '../../lib/testing/index.js'
import { Browser, formAction, formValue, last, type Hop } from './browser.js'

export const PASSWORD = 'Passw0rd!'

export function pkcePair (): { verifier: string, challenge: string } {
  const verifier = randomBytes(48).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** An authorize URL for the emulator's first client, with PKCE, state and nonce unless overridden (undefined removes a parameter). */
export function authorizeUrl (idp: CognitoEmulator, params: Record<string, string | undefined> = {}): string {
  const client = idp.clients[0]
  const url = new URL('/oauth2/authorize', idp.domain)
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client?.clientId,
    redirect_uri: client?.callbackUrls[0],
    state: 'state-123',
    nonce: 'nonce-456',
    scope: 'openid email',
    ...params
  }
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v)
  return url.href
}

/** Opens an authorize URL; unless the hosted-UI session answers at once, fills the sign-in form. Returns the redirect back to the client. */
export async function signIn (browser: Browser, href: string, username = 'alice', password = PASSWORD): Promise<Hop> {
  const first = await browser.fetch(href)
  const location = String(first.headers.location)
  if (first.status !== 302 || !location.startsWith('/login')) return first
  const form = await browser.fetch(new URL(location, href).href)
  const action = new URL(formAction(form.body), form.url).href
  return await browser.fetch(action, { form: { _csrf: formValue(form.body, '_csrf') ?? '', username, password } })
}

export const codeOf = (hop: Hop): string => new URL(String(hop.headers.location)).searchParams.get('code') ?? ''

export { Browser, last }
