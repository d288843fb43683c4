/**
 * A benchmark server, run in its own process: `node dist/bench/server.js bare|auth|auth-audited|pools ['<settings json>']`.
 * `bare` is Fastify alone; `auth` is the same route behind authRequired, with the emulator as the pool;
 * `auth-audited` is `auth` with a subscriber on every audit channel, as a security team's collector would be; `pools`
 * also trusts three more emulated pools (`trustedPools`). With settings `{ redisUrl, sessions, tokenCacheSize,
 * churnTokens, tokensFile }`, `auth` gives the shared-state and cache-churn variants. It prints one JSON line: its
 * port, and unless `bare` a logged-in cookie header, a bearer token, and three more (with `pools`, one of each trusted pool).
 */
import { subscribe } from 'node:diagnostics_channel'
import { writeFileSync } from 'node:fs'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import cognitoAuth, { type CognitoAuthOptions } from '../lib/index.js'
import { startCognitoEmulator } from '../lib/testing/index.js'
import { Browser, freePort, logIn } from '../test/helpers/app.js'

interface Settings {
  redisUrl?: string
  sessions?: 'cookie' | 'server'
  tokenCacheSize?: number
  /** Distinct valid access tokens to write to `tokensFile`, one a line (distinct logins, for the cache-churn run). */
  churnTokens?: number
  tokensFile?: string
}

const mode = process.argv[2] ?? 'bare'
const settings = JSON.parse(process.argv[3] ?? '{}') as Settings
const app = Fastify()
// Every variant answers 401 when auth fails, so 0 non-2xx proves every request was authenticated.
const handler = async (): Promise<{ ok: boolean }> => ({ ok: true })
let idp: Awaited<ReturnType<typeof startCognitoEmulator>> | undefined
const redis = settings.redisUrl === undefined ? undefined : new Redis(settings.redisUrl)
let trusted: Array<Awaited<ReturnType<typeof startCognitoEmulator>>> = []

const port = await freePort()
const url = `http://127.0.0.1:${port}`
if (mode === 'bare') {
  app.get('/ok', handler)
} else {
  const client = { clientId: 'benchclient', clientSecret: 'bench-client-secret-0123456789abcdef', callbackUrls: [`${url}/postlogin`], logoutUrls: [`${url}/postlogout`] }
  idp = await startCognitoEmulator({ accessTokenTtl: 24 * 3600, clients: [client] })
  const shared: Partial<CognitoAuthOptions> = redis === undefined ? {} : { redis, sessions: settings.sessions ?? 'cookie' }
  trusted = mode === 'pools' ? await Promise.all(['PoolB', 'PoolC', 'PoolD'].map(async (id) => await startCognitoEmulator({ accessTokenTtl: 24 * 3600, userPoolId: `us-east-1_${id}`, clients: [{ ...client, clientId: `${id}client` }] }))) : []
  await app.register(cognitoAuth, {
    trustedPools: trusted.map((pool) => ({ userPoolId: pool.userPoolId, issuer: pool.issuer, clientIds: [pool.clients[0]?.clientId as string] })),
    ...idp.pluginOptions(),
    secret: 'benchmark-secret-of-at-least-thirty-two-characters',
    redirectUrl: `${url}/postlogin`,
    logoutUrl: `${url}/postlogout`,
    cookieMaxAge: 24 * 3600,
    ...shared,
    ...(settings.tokenCacheSize === undefined ? {} : { tokenCacheSize: settings.tokenCacheSize })
  })
  app.get('/ok', { preHandler: app.authRequired() }, handler)
}
let audited = 0
if (mode === 'auth-audited') {
  for (const event of ['login', 'login-failed', 'logout', 'refresh', 'refresh-failed', 'denied', 'jwks-fetch']) subscribe(`fastify-cognito-auth:${event}`, () => { audited++ })
}
// Server-side time of each postlogin (code exchange and verification included), for the login benchmark.
const postlogin: number[] = []
app.addHook('onResponse', async (request, reply) => { if (request.routeOptions.url === '/postlogin') postlogin.push(reply.elapsedTime) })
app.get('/__stats', async () => ({ heapUsed: process.memoryUsage().heapUsed, jwksRequests: idp?.stats.jwksRequests ?? 0, postlogin, audited }))
app.post('/__gc', async () => { globalThis.gc?.(); return { heapUsed: process.memoryUsage().heapUsed } })
await app.listen({ port, host: '127.0.0.1' })

let cookie = ''
let bearer = ''
if (idp !== undefined) {
  // A real login through the emulator's hosted UI, as a browser would do it.
  const browser = new Browser()
  await logIn(browser, url, 'alice')
  cookie = browser.cookieHeader(new URL(url))
  bearer = idp.issueTokens({ username: 'bob' }).access_token
  if (settings.churnTokens !== undefined && settings.tokensFile !== undefined) {
    // Cognito-shaped access tokens of distinct logins, signed directly (issuing full token sets would take twice as long).
    const template = JSON.parse(Buffer.from(bearer.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>
    const tokens = Array.from({ length: settings.churnTokens }, (_, i) => idp?.sign({ ...template, jti: `churn-${i}`, origin_jti: `churn-origin-${i}`, sub: `user-${i}` }))
    writeFileSync(settings.tokensFile, tokens.join('\n'))
  }
}
// Three bearer tokens: of the three trusted pools with `pools`, else of the app's own pool (the same load, one pool).
const bearers = idp === undefined ? [] : (mode === 'pools' ? trusted : [idp, idp, idp]).map((pool) => pool.issueTokens({ username: 'bob' }).access_token)
process.stdout.write(`${JSON.stringify({ port, cookie, bearer, bearers })}\n`)
// Exit cleanly on a signal, so `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { Promise.all([app.close(), idp?.close(), ...trusted.map(async (pool) => await pool.close())]).then(() => { redis?.disconnect(); process.exit(0) }, () => process.exit(1)) })
}
