import assert from 'node:assert/strict'
import { test } from 'node:test'
import { logIn } from '../helpers/app.js'
import { auditedApp, AuditedBrowser, remember } from './audit.js'
import { callbackUrl } from './callback-helpers.js'

/** mulberry32: a small seeded PRNG, so every run sends the same 10,000 requests (FUZZ_SEED picks another set). */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261125)
const CASES = 10_000
// What URLs and cookie headers may carry on the wire: printable ASCII, with the characters parsers trip on made likely.
const SPICE = ['%', '%25', '%00', '%0d%0a', '&', '=', ';', '.', '..', '/', '//', '\\', '%2F', '%5C', '+', '"', ',', '[]', 'state', 'code', 'error', '~', '-', '_']

test(`${CASES} seeded random and mutated callback URLs, cookie headers and Authorization headers: never a 5xx, never an unhandled rejection`, async (t) => {
  const random = prng(SEED)
  const int = (n: number): number => Math.floor(random() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
  const ascii = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(33 + int(94))).join('')
  const noise = (): string => Array.from({ length: 1 + int(6) }, () => random() < 0.5 ? pick(SPICE) : ascii(1 + int(12))).join('')
  /** Mutations of a valid value: flips, cuts, insertions, repeats, swaps. */
  function mutate (value: string): string {
    let out = value
    for (let i = 0, n = 1 + int(3); i < n; i++) {
      const at = int(out.length + 1)
      switch (int(6)) {
        case 0: out = out.slice(0, at) + ascii(1) + out.slice(at + 1); break
        case 1: out = out.slice(0, at); break
        case 2: out = out.slice(0, at) + noise() + out.slice(at); break
        case 3: out = out + out.slice(at); break
        case 4: out = out.slice(at) + out.slice(0, at); break
        default: out = noise()
      }
    }
    return out.replace(/[^\x21-\x7e]/g, '')
  }

  const app = await auditedApp(t, { options: { refreshFlow: true } })
  const browser = new AuditedBrowser()
  await logIn(browser, app.url, 'alice')
  const loggedIn = ['cognito-session', 'cognito-access-token', 'cognito-refresh-token'].map((n) => `${n}=${browser.cookie('127.0.0.1', n)?.value}`).join('; ')
  const pending = new AuditedBrowser()
  const callback = new URL(await callbackUrl(pending, app, 'bob'))
  const txCookie = `cognito-session=${pending.cookie('127.0.0.1', 'cognito-session')?.value}`
  remember(loggedIn, txCookie)

  const rejections: unknown[] = []
  const onRejection = (reason: unknown): void => { rejections.push(reason) }
  process.on('unhandledRejection', onRejection)
  t.after(() => { process.off('unhandledRejection', onRejection) })

  const statuses = new Map<number, number>()
  for (let i = 0; i < CASES; i++) {
    let url: string
    let headers: Record<string, string> = {}
    switch (int(5)) {
      case 0: url = `/postlogin${random() < 0.7 ? `?${mutate(callback.search.slice(1))}` : `?state=${callback.searchParams.get('state')}&${mutate('code=x&error=access_denied')}`}`; headers = { cookie: random() < 0.7 ? txCookie : mutate(txCookie) }; break
      case 1: url = pick(['/claims', '/admin', '/edit', '/']); headers = { cookie: mutate(loggedIn), accept: pick(['text/html', 'application/json', '*/*']) }; break
      case 2: url = `/login?${random() < 0.5 ? 'returnTo' : mutate('returnTo')}=${mutate(pick(['/claims', '//evil.example', '/%5Cevil', 'https://evil.example']))}&${mutate('lang=fr&login_hint=x')}`; break
      case 3: url = pick(['/logout', '/postlogout']); headers = { cookie: mutate(loggedIn) }; break
      default: url = pick(['/claims', '/admin']); headers = { authorization: `${pick(['Bearer ', 'bearer ', 'Basic ', ''])}${mutate(browser.cookie('127.0.0.1', 'cognito-access-token')?.value as string)}` }
    }
    const res = await app.app.inject({ url, headers })
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    assert.ok(res.statusCode < 500, `case ${i} (seed ${SEED}): ${res.statusCode} for ${url} ${JSON.stringify(headers).slice(0, 300)}: ${res.body.slice(0, 200)}`)
  }
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(rejections, [])
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
})
