// A user's app, compiled against the packed package (module nodenext, strict, skipLibCheck false) and run as ESM.
import Fastify from 'fastify'
import cognitoAuth, { type CognitoAuthOptions, UnauthenticatedError } from 'fastify-cognito-auth'
import { startCognitoEmulator } from 'fastify-cognito-auth/testing'

declare module 'fastify-cognito-auth' {
  interface CognitoAccessClaims { 'custom:tenant'?: string }
}

const idp = await startCognitoEmulator()
const app = Fastify()
const options: CognitoAuthOptions = {
  ...idp.pluginOptions(),
  secret: 'a-consumer-secret-of-at-least-32-characters',
  redirectUrl: 'http://localhost:5000/postlogin',
  logoutUrl: 'http://localhost:5000/postlogout'
}
await app.register(cognitoAuth, options)
app.get('/me', { preHandler: app.authRequired({ groups: ['admin'] }) }, async (request) => ({
  user: request.cognito.username,
  tenant: request.cognito.claims['custom:tenant'] ?? null
}))
const base = await app.listen({ port: 0, host: '127.0.0.1' })
try {
  const token = idp.issueTokens({ username: 'alice' }).access_token
  const ok = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } })
  const body = await ok.json() as { user: string }
  if (ok.status !== 200 || body.user !== 'alice') throw new Error(`protected request: ${ok.status} ${JSON.stringify(body)}`)
  const denied = await fetch(`${base}/me`)
  const error = await denied.json() as { code: string }
  if (denied.status !== 401 || error.code !== new UnauthenticatedError().code) throw new Error(`anonymous request: ${denied.status}`)
  console.log(`consumer (ESM, Node ${process.version}): a protected request answered 200 for alice, 401 without a token`)
} finally {
  await app.close()
  await idp.close()
}
