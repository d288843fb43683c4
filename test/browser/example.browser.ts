import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { BrowserContext, Page } from 'playwright-core'
import { launchChromium, SHOTS } from './chromium.js'

const APP = 'http://localhost:5000'

let server: ChildProcess
let output = ''
let context: BrowserContext
let closeBrowser: (() => Promise<void>) | undefined

/** Starts the example exactly as `npm run example` does (built output, no .env), and waits for its banner. */
async function startExample (): Promise<void> {
  const entry = new URL('../../example/server.js', import.meta.url).pathname
  server = spawn(process.execPath, [entry], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, AWS_COGNITO_DOMAIN: '' } })
  for await (const chunk of server.stdout as NodeJS.ReadableStream) {
    output += String(chunk)
    if (output.includes('to log in.')) return
  }
  throw new Error(`the example exited before it was ready:\n${output}`)
}

before(async () => {
  await startExample()
  ;({ context, close: closeBrowser } = await launchChromium())
})

after(async () => {
  await closeBrowser?.()
  server?.kill('SIGTERM')
})

async function signIn (page: Page, username: string): Promise<void> {
  await page.fill('input[name="username"]', username)
  await page.fill('input[name="password"]', 'Passw0rd!')
  await Promise.all([page.waitForURL(`${APP}/**`), page.click('button[type="submit"]')])
}

test('the example prints the URL to open and the demo users', () => {
  assert.match(output, /http:\/\/localhost:5000\//)
  assert.match(output, /alice\s+group admin/)
  assert.match(output, /password Passw0rd!/)
})

test('a user without admin: /claims asks for the login form, shows the claims after sign-in, and /admin is 403', async () => {
  const page = await context.newPage()
  await page.goto(`${APP}/claims`)
  assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\/login\?/)
  assert.equal(await page.locator('form[name="cognitoSignInForm"]').count(), 1)
  await page.screenshot({ path: join(SHOTS, 'login-form.png') })

  await signIn(page, 'carol')
  assert.equal(page.url(), `${APP}/claims`)
  const shown = JSON.parse(await page.locator('body').innerText())
  assert.equal(shown.claims.username, 'carol')
  assert.equal(shown.claims.token_use, 'access')
  assert.equal(shown.user_info.email, 'carol@example.com')
  await page.screenshot({ path: join(SHOTS, 'claims.png') })

  const admin = await page.goto(`${APP}/admin`)
  assert.equal(admin?.status(), 403)
  assert.match(await page.locator('body').innerText(), /FST_COGNITO_FORBIDDEN/)
  await page.close()
})

test('logout ends at / and really ends the Hosted UI session; an admin then gets through /admin', async () => {
  const page = await context.newPage()
  await page.goto(`${APP}/logout`)
  assert.equal(page.url(), `${APP}/`)
  assert.match(await page.locator('body').innerText(), /not logged in/)

  await page.goto(`${APP}/claims`)
  assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\/login\?/, 'the form is asked for again')
  await signIn(page, 'alice')
  const admin = await page.goto(`${APP}/admin`)
  assert.equal(admin?.status(), 200)
  assert.match(await page.locator('body').innerText(), /Welcome to the admin area, alice/)
  await page.goto(`${APP}/`)
  assert.equal(await page.locator('#user').innerText(), 'alice')
  await page.close()
})
