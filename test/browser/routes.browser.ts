import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import Fastify from 'fastify'
import cognitoAuth from '../../lib/index.js'
import { startCognitoEmulator } from '../../lib/testing/index.js'
import { SECRET } from '../helpers/app.js'
import { browserSuite, SHOTS } from './chromium.js'

// An app that already serves its own /login page and mounts the flow under /auth/.
const suite = browserSuite(async (url) => {
  const idp = await startCognitoEmulator({
    clients: [{ clientId: 'appclient', clientSecret: 'app-client-secret-0123456789abcdefghijklmnop', callbackUrls: [`${url}/auth/callback`], logoutUrls: [`${url}/auth/bye`] }]
  })
  const app = Fastify()
  app.get('/login', async (_request, reply) => reply.type('text/html').send('<p id="own">The app\'s own login page</p><a id="signin" href="/auth/signin">Sign in with Cognito</a>'))
  await app.register(cognitoAuth, {
    ...idp.pluginOptions('appclient'),
    secret: SECRET,
    redirectUrl: `${url}/auth/callback`,
    logoutUrl: `${url}/auth/bye`,
    loginPath: '/auth/signin',
    logoutPath: '/auth/signout'
  })
  app.get('/account', { preHandler: app.authRequired() }, async (request, reply) => reply.type('text/html').send(
    `<p id="user">${request.cognito.username}</p><form method="post" action="/auth/signout"><button id="signout">Sign out</button></form>`))
  app.get('/', async (_request, reply) => reply.type('text/html').send('<p id="home">home</p>'))
  return { app, idp }
})

async function signIn (page: Page, username: string): Promise<void> {
  const { url } = suite
  await page.fill('input[name="username"]', username)
  await page.fill('input[name="password"]', 'Passw0rd!')
  await Promise.all([page.waitForURL(`${url}/**`), page.click('button[type="submit"]')])
}

test('custom paths: a guest is sent to loginPath, signs in, comes back; the app keeps its own /login; a form signs out', async () => {
  const { url, idp, context } = suite
  const page = await context.newPage()
  assert.match(await (await page.goto(`${url}/login`))?.text() ?? '', /The app's own login page/)
  await page.goto(`${url}/account`)
  assert.ok(page.url().startsWith(`${idp.domain}/login?`), `the hosted UI asks: ${page.url()}`)
  await signIn(page, 'bob')
  assert.equal(page.url(), `${url}/account`)
  assert.equal(await page.locator('#user').innerText(), 'bob')
  await page.screenshot({ path: join(SHOTS, 'custom-paths-account.png') })
  await Promise.all([page.waitForURL(`${url}/`), page.click('#signout')])
  assert.equal(await page.locator('#home').innerText(), 'home')
  await page.goto(`${url}/account`)
  assert.ok(page.url().startsWith(`${idp.domain}/login?`), 'signed out: the form is asked for again')
  await page.close()
})
