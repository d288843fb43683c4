import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import Fastify from 'fastify'
import cognitoAuth from '../../lib/index.js'
import { startCognitoEmulator } from '../../lib/testing/index.js'
import { SECRET } from '../helpers/app.js'
import { browserSuite, SHOTS } from './chromium.js'

/** swagger-ui signs in with its own public client (PKCE, no secret), whose tokens the app accepts as bearer tokens. */
const UI_CLIENT = 'swaggeruiclient'

const suite = browserSuite(async (url) => {
  const idp = await startCognitoEmulator({
    clients: [
      { clientId: 'appclient', clientSecret: 'app-client-secret-0123456789abcdefghijklmnop', callbackUrls: [`${url}/postlogin`], logoutUrls: [`${url}/postlogout`] },
      { clientId: UI_CLIENT, callbackUrls: [`${url}/documentation/static/oauth2-redirect.html`], logoutUrls: [] }
    ]
  })
  const app = Fastify()
  await app.register(fastifySwagger, { openapi: { info: { title: 'claims', version: '1.0.0' } } })
  await app.register(fastifySwaggerUi, { routePrefix: '/documentation', initOAuth: { clientId: UI_CLIENT, usePkceWithAuthorizationCodeGrant: true, scopes: ['openid'] } })
  await app.register(cognitoAuth, { ...idp.pluginOptions('appclient'), secret: SECRET, redirectUrl: `${url}/postlogin`, logoutUrl: `${url}/postlogout`, allowedClientIds: [UI_CLIENT] })
  app.get('/claims', { preHandler: app.authRequired(), schema: { operationId: 'claims' } }, async (request) => ({ user: request.cognito.username, client: request.cognito.claims.client_id }))
  return { app, idp }
})

test('swagger-ui: Authorize signs in on the hosted UI (code + PKCE), and Try it out on a protected route answers 200', async () => {
  const { url, idp, context } = suite
  const page = await context.newPage()
  await page.goto(`${url}/documentation`)
  const operation = page.locator('#operations-default-claims')
  await operation.locator('.opblock-summary').click()
  await operation.locator('button.try-out__btn').click()
  await operation.locator('button.execute').click()
  await assert.doesNotReject(operation.locator('.live-responses-table .response-col_status', { hasText: '401' }).waitFor(), 'before signing in, the route answers 401')

  await page.locator('.auth-wrapper button.authorize').click()
  const scheme = page.locator('.modal-ux .auth-container', { hasText: 'cognitoOAuth2' })
  const [popup] = await Promise.all([page.waitForEvent('popup'), scheme.locator('button.authorize').click()])
  await popup.waitForURL(/\/login\?/)
  assert.ok(popup.url().startsWith(`${idp.domain}/login?`), 'the popup shows the hosted UI of the pool')
  await popup.fill('input[name="username"]', 'carol')
  await popup.fill('input[name="password"]', 'Passw0rd!')
  await Promise.all([popup.waitForEvent('close'), popup.click('button[type="submit"]')])
  await scheme.locator('button', { hasText: 'Logout' }).waitFor()
  await page.screenshot({ path: join(SHOTS, 'swagger-ui-authorized.png') })
  await page.locator('.modal-ux button.close-modal').click()

  await operation.locator('button.execute').click()
  const status = operation.locator('.live-responses-table .response-col_status', { hasText: '200' })
  await status.waitFor()
  const body = JSON.parse(await operation.locator('.live-responses-table .response-col_description pre').first().innerText())
  assert.deepEqual(body, { user: 'carol', client: UI_CLIENT })
  await page.screenshot({ path: join(SHOTS, 'swagger-ui-try-it-out.png') })
  await page.close()
})
