'use strict'
// The same app from CommonJS: require() of the ESM package (Node 22 and later, and 20.19+).
const Fastify = require('fastify')
const { cognitoAuth } = require('fastify-cognito-auth')
const { startCognitoEmulator } = require('fastify-cognito-auth/testing')

async function main () {
  const idp = await startCognitoEmulator()
  const app = Fastify()
  await app.register(cognitoAuth, { ...idp.pluginOptions(), secret: 'a-consumer-secret-of-at-least-32-characters', redirectUrl: 'http://localhost:5000/postlogin', logoutUrl: 'http://localhost:5000/postlogout' })
  app.get('/me', { preHandler: app.authRequired() }, async (request) => ({ user: request.cognito.username }))
  try {
    const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${idp.issueTokens({ username: 'bob' }).access_token}` } })
    if (res.statusCode !== 200 || res.json().user !== 'bob') throw new Error(`protected request: ${res.statusCode} ${res.body}`)
    console.log(`consumer (require, Node ${process.version}): a protected request answered 200 for bob`)
  } finally {
    await app.close()
    await idp.close()
  }
}

main().catch((err) => { console.error(err); process.exit(1) })
