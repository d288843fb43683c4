import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { Redis } from 'ioredis'
import { optionsFromEnv, type CognitoAuthOptions } from '../lib/index.js'
import { demoClient, demoPassword, startCognitoEmulator, type CognitoEmulator } from '../lib/testing/index.js'
import { buildExampleApp } from './app.js'
import { freePort, portFromEnv } from './port.js'

// A .env (or the variables already set) points the app at a real user pool; without one it runs against the emulator.
if (existsSync('.env')) process.loadEnvFile('.env')

// PORT=0 means any free port: it is chosen now, because the emulator's callback URLs must name it.
const PORT = portFromEnv(process.env.PORT) || await freePort()

async function emulatedPool (): Promise<{ options: CognitoAuthOptions, idp: CognitoEmulator }> {
  const app = `http://localhost:${PORT}`
  const client = { ...demoClient, callbackUrls: [`${app}/postlogin`], logoutUrls: [`${app}/postlogout`] }
  const idp = await startCognitoEmulator({ port: Number(process.env.EMULATOR_PORT ?? 0), clients: [client] })
  return {
    idp,
    options: {
      ...idp.pluginOptions(),
      secret: process.env.SECRET_KEY ?? randomBytes(32).toString('base64url'),
      redirectUrl: client.callbackUrls[0] as string,
      logoutUrl: client.logoutUrls[0] as string
    }
  }
}

const real = process.env.AWS_COGNITO_DOMAIN !== undefined && process.env.AWS_COGNITO_DOMAIN !== ''
const { options, idp } = real ? { options: optionsFromEnv(), idp: undefined } : await emulatedPool()
// With REDIS_URL, several copies of the example share logouts, refreshes and (SESSIONS=server) server sessions.
const redis = process.env.REDIS_URL === undefined || process.env.REDIS_URL === '' ? undefined : new Redis(process.env.REDIS_URL)
const shared = redis === undefined ? {} : { redis, sessions: process.env.SESSIONS === 'server' ? 'server' as const : 'cookie' as const }
const app = await buildExampleApp({ ...options, ...shared }, { logger: { level: process.env.LOG_LEVEL ?? 'warn' } })
await app.listen({ port: PORT, host: 'localhost' })
const url = `http://localhost:${(app.server.address() as { port: number }).port}/`

console.log(`fastify-cognito-auth example: ${url}`)
if (idp === undefined) {
  console.log(`Cognito user pool: ${options.domain} (from the environment)`)
} else {
  console.log(`Cognito: the built-in emulator at ${idp.domain} (no .env found)
Demo users, password ${demoPassword}:
  alice  group admin   → /claims, /admin and /edit
  bob    group editor  → /claims and /edit
  carol  no group      → /claims only
Open ${url}claims to log in.`)
}

const stop = (): void => {
  Promise.all([app.close(), idp?.close()]).then(() => { redis?.disconnect(); process.exit(0) }, () => process.exit(1))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
