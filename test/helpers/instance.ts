/**
 * One app instance in its own process, for the multi-instance tests and the bench: `node instance.js '<json>'`
 * with `{ port, redisUrl, options }`. It prints one JSON line when it listens, and exits on SIGTERM.
 */
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import cognitoAuth, { type CognitoAuthOptions } from '../../lib/index.js'

const { port, redisUrl, options } = JSON.parse(process.argv[2] as string) as { port: number, redisUrl?: string, options: CognitoAuthOptions }
const redis = redisUrl === undefined ? undefined : new Redis(redisUrl, { maxRetriesPerRequest: 1 })
// The app owns its client: a lost connection is logged by the plugin; this keeps ioredis from printing it again.
redis?.on('error', () => {})
const app = Fastify()
await app.register(cognitoAuth, { ...options, ...(redis === undefined ? {} : { redis }) })
app.get('/ok', { preHandler: app.authRequired() }, async () => ({ ok: true }))
app.get('/claims', { preHandler: app.authRequired() }, async (request) => ({ sub: request.cognito.sub, username: request.cognito.username, groups: request.cognito.groups }))
app.post('/end-sessions', async (request) => {
  await app.cognito.endSessions((request.body as { sub: string }).sub)
  return { ended: true }
})
app.addHook('onClose', async () => { redis?.disconnect() })
// Ready means ready to serve: the client's connection first (at most 2 s, so an instance started with Redis down still starts).
if (redis !== undefined && redis.status !== 'ready') {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([new Promise((resolve) => redis.once('ready', resolve)), new Promise((resolve) => { timer = setTimeout(resolve, 2000) })])
  clearTimeout(timer)
}
await app.listen({ port, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`)
process.once('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
