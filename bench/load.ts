/**
 * Load test (not a timed test): a protected route under autocannon for 20 s with a valid session.
 * Prints errors, non-2xx answers, throughput and the server's heap before and after. `npm run bench:load`
 */
import autocannon from 'autocannon'
import { startServer } from './child.js'

const DURATION = Number(process.env.LOAD_SECONDS ?? 20)
const server = await startServer('auth')
try {
  const before = await server.gc()
  const result = await autocannon({ url: `${server.url}/ok`, connections: 10, duration: DURATION, headers: { cookie: server.cookie } })
  const after = await server.gc()
  const { jwksRequests } = await server.stats()
  console.log(`load: ${DURATION} s, 10 connections, GET /ok behind authRequired with a session cookie
  requests      ${result.requests.total}  (${Math.round(result.requests.average)} req/s average)
  errors        ${result.errors}  timeouts ${result.timeouts}
  non-2xx       ${result.non2xx}
  latency       p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms
  JWKS fetches  ${jwksRequests}
  heap (after gc) before ${(before / 1048576).toFixed(1)} MiB, after ${(after / 1048576).toFixed(1)} MiB (${(((after - before) / before) * 100).toFixed(1)}%)`)
  if (result.errors > 0 || result.non2xx > 0) process.exitCode = 1
} finally {
  server.close()
}
