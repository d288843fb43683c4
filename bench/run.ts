/**
 * `npm run bench`: one table of medians over at least three rounds, measured side by side in one run.
 * Never part of `npm test`, never failing on timing. BENCH_ROUNDS, BENCH_SECONDS and BENCH_CONNECTIONS tune it.
 */
import autocannon from 'autocannon'
import { Browser, logIn } from '../test/helpers/app.js'
import { startRedis } from '../test/helpers/redis-server.js'
import { startServer, type BenchServer } from './child.js'
import { churn, Cleanups, propagation } from './shared-state.js'
import { verifyRounds } from './verify.js'

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3))
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const PROPAGATION_SAMPLES = 200

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] as number
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** A variant is paired with the bare route sent its very headers (`bare`). `requests`: headers of requests each connection sends in turn (tokens spread over pools). */
interface Variant { name: string, server: BenchServer, headers: Record<string, string>, requests?: Array<{ headers: Record<string, string> }>, bare?: Variant }
/** Requests that each connection sends in turn, one per token. */
const spread = (tokens: string[]): Variant['requests'] => tokens.map((token) => ({ headers: { authorization: `Bearer ${token}` } }))
interface Run { rps: number, cpuPerRequest: number, non2xx: number, errors: number }

async function load (variant: Variant, options: { duration?: number, amount?: number }): Promise<Run> {
  const cpu = variant.server.cpuMicros()
  const result = await autocannon({ url: `${variant.server.url}/ok`, connections: CONNECTIONS, headers: variant.headers, requests: variant.requests, ...options })
  const requests = result.requests.total
  return { rps: result.requests.average, cpuPerRequest: (variant.server.cpuMicros() - cpu) / requests, non2xx: result.non2xx, errors: result.errors }
}

const cleanups = new Cleanups()
const redis = await startRedis(cleanups)
const bare = await startServer('bare')
const auth = await startServer('auth')
const audited = await startServer('auth-audited')
const pools = await startServer('pools')
const shared = await startServer('auth', { redisUrl: redis.url })
const server = await startServer('auth', { redisUrl: redis.url, sessions: 'server' })
const rows: string[][] = []
try {
  // Each protected variant is paired with the bare route sent the very same headers, in the same round.
  const withBare = (v: Variant): Variant => ({ ...v, bare: { name: `bare route, headers of: ${v.name}`, server: bare, headers: v.headers, requests: v.requests } })
  const variants: Variant[] = [
    withBare({ name: 'authRequired, session cookie', server: auth, headers: { cookie: auth.cookie } }),
    withBare({ name: 'authRequired, bearer token', server: auth, headers: { authorization: `Bearer ${auth.bearer}` } }),
    withBare({ name: 'authRequired, session cookie, audit subscriber', server: audited, headers: { cookie: audited.cookie } }),
    withBare({ name: 'authRequired, 3 bearer tokens of 1 pool', server: auth, headers: {}, requests: spread(auth.bearers) }),
    withBare({ name: 'authRequired, bearer tokens of 3 trusted pools', server: pools, headers: {}, requests: spread(pools.bearers) }),
    withBare({ name: 'authRequired, redis, cookie sessions', server: shared, headers: { cookie: shared.cookie } }),
    withBare({ name: "authRequired, redis, sessions: 'server'", server, headers: { cookie: server.cookie } })
  ]
  for (const v of variants) await load(v, { duration: 2 }) // warm-up, thrown away
  const runs = new Map<string, { own: Run[], bare: Run[] }>(variants.map((v) => [v.name, { own: [], bare: [] }]))
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      runs.get(v.name)?.bare.push(await load(v.bare as Variant, { duration: SECONDS }))
      runs.get(v.name)?.own.push(await load(v, { duration: SECONDS }))
    }
  }
  for (const v of variants) {
    const { own, bare: paired } = runs.get(v.name) as { own: Run[], bare: Run[] }
    const ratios = own.map((run, i) => run.rps / (paired[i] as Run).rps)
    const broken = [...own, ...paired].some((run) => run.non2xx > 0 || run.errors > 0) ? ' (BROKEN: non-2xx or errors)' : ''
    rows.push([`1. req/s, bare route with the same headers${broken}`, fmt(median(paired.map((x) => x.rps))), '1.000× bare', `${fmt(median(paired.map((x) => x.cpuPerRequest)), 1)} µs CPU/req`])
    rows.push([`1. req/s, ${v.name}${broken}`, fmt(median(own.map((x) => x.rps))), `${fmt(median(ratios), 3)}× bare`, `${fmt(median(own.map((x) => x.cpuPerRequest)), 1)} µs CPU/req`])
  }
  // Issue 14's goal: several pools cost within 0.03 of one pool's ratio (each round's ratios against their paired bare runs).
  const ratiosOf = (name: string): number[] => {
    const { own, bare: paired } = runs.get(name) as { own: Run[], bare: Run[] }
    return own.map((run, i) => run.rps / (paired[i] as Run).rps)
  }
  const [single, several] = [ratiosOf('authRequired, 3 bearer tokens of 1 pool'), ratiosOf('authRequired, bearer tokens of 3 trusted pools')]
  const [quiet, heard] = [ratiosOf('authRequired, session cookie'), ratiosOf('authRequired, session cookie, audit subscriber')]
  rows.push(['1. session cookie: with an audit subscriber minus without', `${fmt(median(heard.map((r, i) => r - (quiet[i] as number))), 3)} (ratio to bare, paired)`, '', ''])
  rows.push(['1. 3 tokens: 3 trusted pools minus 1 pool', `${fmt(median(several.map((r, i) => r - (single[i] as number))), 3)} (ratio to bare, paired)`, '', ''])

  const verify = await verifyRounds(ROUNDS)
  const m = (key: keyof (typeof verify)[number]): number => median(verify.map((x) => x[key]))
  rows.push(['2. RS256 verify/s, cold (distinct tokens)', `ours ${fmt(m('oursCold'))}`, `aws-jwt-verify ${fmt(m('awsCold'))}`, `${fmt(median(verify.map((x) => x.oursCold / x.awsCold)), 2)}×`])
  rows.push(['2. RS256 verify/s, warm (one token)', `ours ${fmt(m('oursWarm'))}`, `aws-jwt-verify ${fmt(m('awsWarm'))}`, `${fmt(median(verify.map((x) => x.oursWarm / x.awsWarm)), 2)}×`])

  const session = variants[0] as Variant
  const fresh = await startServer('auth')
  try {
    const heapBefore = await fresh.gc()
    const sessionFresh = { ...session, server: fresh, headers: { cookie: fresh.cookie } }
    const hundredK = await load(sessionFresh, { amount: 100_000 })
    const { jwksRequests } = await fresh.stats()
    rows.push(['3. JWKS fetches over 100,000 protected requests', fmt(jwksRequests), hundredK.non2xx === 0 ? 'all 2xx' : `${hundredK.non2xx} non-2xx`, ''])
    const million = await load(sessionFresh, { amount: 1_000_000 })
    const heapAfter = await fresh.gc()
    rows.push(['4. heap after gc, before / after 1,100,000 requests', `${fmt(heapBefore / 1048576, 1)} MiB`, `${fmt(heapAfter / 1048576, 1)} MiB`, `${fmt(((heapAfter - heapBefore) / heapBefore) * 100, 1)}%${million.non2xx > 0 ? ' (BROKEN)' : ''}`])

    for (let i = 0; i < 200; i++) await logIn(new Browser(), fresh.url, i % 2 === 0 ? 'alice' : 'carol')
    const { postlogin } = await fresh.stats()
    rows.push(['5. postlogin server time (200 logins)', `p50 ${fmt(percentile(postlogin, 0.5), 2)} ms`, `p99 ${fmt(percentile(postlogin, 0.99), 2)} ms`, ''])
  } finally {
    fresh.close()
  }
  for (const s of [shared, server]) s.close()

  const propagated = await propagation(PROPAGATION_SAMPLES)
  rows.push([`6. logout propagation, A to B (${PROPAGATION_SAMPLES} logouts)`, `p50 ${fmt(propagated.p50, 2)} ms`, `p99 ${fmt(propagated.p99, 2)} ms`, 'bound: 100 ms'])

  for (const cacheSize of [10_000, 100_000]) {
    for (const run of await churn(cacheSize, [10_000, 100_000], SECONDS, CONNECTIONS)) {
      rows.push([`7. churn: ${fmt(run.users)} users, tokenCacheSize ${fmt(run.cacheSize)}${run.non2xx > 0 ? ' (BROKEN)' : ''}`, `${fmt(run.rps)} req/s`, `${fmt(run.cpuPerRequest, 1)} µs CPU/req`, `heap ${fmt(run.heapMiB, 1)} MiB`])
    }
  }
} finally {
  bare.close()
  auth.close()
  audited.close()
  pools.close()
  shared.close()
  server.close()
  await cleanups.run()
}

const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => (row[c] ?? '').length)))
console.log(`fastify-cognito-auth benchmark: Node ${process.version}, ${ROUNDS} rounds, autocannon ${CONNECTIONS} connections × ${SECONDS} s, medians`)
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c] as number)).join('  │  '))
