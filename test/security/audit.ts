import assert from 'node:assert/strict'
import { subscribe } from 'node:diagnostics_channel'
import { after } from 'node:test'
import { Agent, type Dispatcher } from 'undici'
import { Browser, SECRET, startApp, type AppSetup, type TestApp } from '../helpers/app.js'
import type { Hop } from '../helpers/browser.js'

/**
 * Every secret a test in this folder sees (tokens, codes, PKCE verifiers, client and session secrets, cookie values),
 * and every log line the apps wrote. When the file ends, no line may contain any of them.
 */
const secrets = new Set<string>([SECRET])
const logs: string[][] = []

/** Every audit event published while this file's tests run, as JSON: audited like the log lines. */
const events: string[] = []
for (const event of ['login', 'login-failed', 'logout', 'refresh', 'refresh-failed', 'denied', 'jwks-fetch']) {
  subscribe(`fastify-cognito-auth:${event}`, (message) => { events.push(`${event} ${JSON.stringify(message)}`) })
}

export function remember (...values: Array<string | undefined | null>): void {
  for (const value of values) if (typeof value === 'string' && value.length >= 8) secrets.add(value)
}

after(() => {
  const lines = logs.flat()
  assert.ok(lines.length > 0, 'the audit saw log lines')
  for (const line of [...lines, ...events]) {
    for (const secret of secrets) assert.ok(!line.includes(secret), `a log line or audit event holds a secret (${secret.slice(0, 40)}): ${line.slice(0, 200)}`)
  }
})

/** An undici dispatcher that remembers what the plugin sends Cognito: the code, the PKCE verifier, the client's credentials. */
export function recordingDispatcher (sent: URLSearchParams[] = []): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => {
    if (typeof opts.body === 'string') {
      const form = new URLSearchParams(opts.body)
      sent.push(form)
      // The grant type names a protocol step, not a secret.
      for (const [name, value] of form) if (name !== 'grant_type') remember(value)
    }
    const headers = opts.headers as Record<string, string> | undefined
    remember(headers?.authorization, headers?.authorization?.replace(/^\w+ /, ''))
    return dispatch(opts, handler)
  })
}

/** startApp with its logs audited and its outbound calls recorded. */
export async function auditedApp (t: Parameters<typeof startApp>[0], setup: AppSetup = {}, sent?: URLSearchParams[]): Promise<TestApp> {
  const app = await startApp(t, { ...setup, options: { dispatcher: recordingDispatcher(sent), ...setup.options } })
  logs.push(app.logs)
  remember(app.options.clientSecret)
  return app
}

/** A Browser whose cookies and callback codes are remembered as secrets. */
export class AuditedBrowser extends Browser {
  override async fetch (href: string, init?: Parameters<Browser['fetch']>[1]): Promise<Hop> {
    const hop = await super.fetch(href, init)
    for (const cookie of hop.setCookies) remember(cookie.split(';')[0]?.split('=').slice(1).join('='))
    const location = hop.headers.location
    if (typeof location === 'string') remember(new URL(location, href).searchParams.get('code'))
    return hop
  }
}

/** Tokens minted by the emulator for a test, remembered as secrets. */
export function issue (idp: TestApp['idp'], input: Parameters<TestApp['idp']['issueTokens']>[0]): ReturnType<TestApp['idp']['issueTokens']> {
  const tokens = idp.issueTokens(input)
  remember(tokens.access_token, tokens.id_token, tokens.refresh_token)
  return tokens
}
