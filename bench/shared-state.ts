/** The shared-state parts of `npm run bench`: logout propagation between two instances, and verified-token cache churn. */
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { startCluster } from '../test/helpers/instances.js'
import { msUntilRefused, percentile } from '../test/helpers/propagation.js'
import { startServer } from './child.js'

/** Cleanups run when the bench ends, as a test's `after` would. */
export class Cleanups {
  private readonly list: Array<() => Promise<void> | void> = []
  after (fn: () => Promise<void> | void): void { this.list.push(fn) }
  async run (): Promise<void> { for (const fn of this.list.reverse()) await fn() }
}

/** Milliseconds from a logout on A answering to B refusing the same token (which B had verified and cached). */
export async function propagation (samples: number): Promise<{ p50: number, p99: number }> {
  const cleanups = new Cleanups()
  try {
    const { instances, idp } = await startCluster(cleanups, { count: 2 })
    const [a, b] = instances as [typeof instances[number], typeof instances[number]]
    const times: number[] = []
    for (let i = 0; i < samples; i++) {
      const token = idp.issueTokens({ username: i % 2 === 0 ? 'alice' : 'bob' }).access_token
      const first = await fetch(`${b.url}/claims`, { headers: { authorization: `Bearer ${token}` } })
      await first.arrayBuffer()
      if (first.status !== 200) throw new Error(`setup broken: ${first.status}`)
      const logout = await fetch(`${a.url}/logout`, { headers: { cookie: `cognito-access-token=${token}` }, redirect: 'manual' })
      await logout.arrayBuffer()
      times.push(await msUntilRefused(b.url, { authorization: `Bearer ${token}` }))
    }
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) }
  } finally {
    await cleanups.run()
  }
}

export interface ChurnRun { cacheSize: number, users: number, rps: number, cpuPerRequest: number, heapMiB: number, non2xx: number }

/**
 * Distinct users' bearer tokens in rotation against a server whose verified-token cache holds `cacheSize`: each
 * request that misses the cache verifies an RS256 signature again. `users` lists the active-user counts to try.
 */
export async function churn (cacheSize: number, users: number[], seconds: number, connections: number): Promise<ChurnRun[]> {
  const tokensFile = join(tmpdir(), `cognito-bench-tokens-${process.pid}-${cacheSize}.txt`)
  const server = await startServer('auth', { tokenCacheSize: cacheSize, churnTokens: Math.max(...users), tokensFile })
  try {
    const tokens = readFileSync(tokensFile, 'utf8').split('\n')
    const runs: ChurnRun[] = []
    for (const count of users) {
      const requests = tokens.slice(0, count).map((token) => ({ method: 'GET' as const, path: '/ok', headers: { authorization: `Bearer ${token}` } }))
      // Twice through the users first, so the cache holds what it can before measuring.
      await autocannon({ url: server.url, connections, amount: Math.min(2 * count, 200_000), requests })
      const cpu = server.cpuMicros()
      const result = await autocannon({ url: server.url, connections, duration: seconds, requests })
      const heap = await server.gc()
      runs.push({ cacheSize, users: count, rps: result.requests.average, cpuPerRequest: (server.cpuMicros() - cpu) / result.requests.total, heapMiB: heap / 1048576, non2xx: result.non2xx })
    }
    return runs
  } finally {
    server.close()
    rmSync(tokensFile, { force: true })
  }
}
