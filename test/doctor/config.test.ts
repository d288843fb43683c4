import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cookiesCheck, envNameOf } from '../../lib/doctor/config-checks.js'
import { resolveOptions } from '../../lib/options.js'
import { assertFailed, diagnose, pool } from './setup.js'

test('a correct setup passes every check: no false alarm', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env })
  assert.equal(report.ok, true)
  assert.deepEqual(report.checks.filter((c) => c.status !== 'pass'), [])
  assert.match(report.check('secret').detail, /with the client secret …WXYZ$/)
  assert.match(report.check('clock').detail, /expirationLeeway 0 s/)
})

test('options: the plugin\'s own validation names the option and its env variable; the pool is not asked', async (t) => {
  const { idp, env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_REDIRECT_URL: 'http://example.com/postlogin' } })
  assertFailed(report, ['options'])
  assert.equal(report.check('options').detail, 'Invalid option redirectUrl: https is required (plain http only on localhost)')
  assert.equal(report.check('options').fix, 'correct AWS_COGNITO_REDIRECT_URL (option redirectUrl)')
  assert.deepEqual(report.checks.slice(2).map((c) => c.status), Array(10).fill('skip'))
  assert.equal(idp.stats.jwksRequests + idp.stats.tokenRequests, 0)

  const missing = await diagnose({ env: { ...env, SECRET_KEY: undefined } })
  assert.equal(missing.check('options').fix, 'set SECRET_KEY (option secret)')
  const inCode = await diagnose({ env, options: { ...(await pool(t)).options, bearerTokens: 'yes' as unknown as boolean } })
  assert.equal(inCode.check('options').fix, 'correct bearerTokens where the app registers the plugin')
})

test('options: env names are asked of optionsFromEnv, numbers and flags included', () => {
  assert.equal(envNameOf('cookieMaxAge'), 'AWS_COGNITO_COOKIE_AGE_SECONDS')
  assert.equal(envNameOf('refreshFlow'), 'AWS_COGNITO_REFRESH_FLOW_ENABLED')
  assert.equal(envNameOf('scopes'), 'AWS_COGNITO_SCOPES')
  assert.equal(envNameOf('cookieSecure'), undefined)
})

test('mode: disabled outside development and test fails; inside, it passes and says so', async (t) => {
  const { env } = await pool(t)
  const off = await diagnose({ env: { ...env, AWS_COGNITO_DISABLED: 'true', NODE_ENV: 'staging' } })
  assertFailed(off, ['mode'])
  assert.match(off.check('mode').detail, /NODE_ENV=staging: every protected route lets anyone through/)
  const unset = await diagnose({ env: { ...env, AWS_COGNITO_DISABLED: 'true' } })
  assertFailed(unset, ['mode'])
  assert.match(unset.check('mode').detail, /NODE_ENV=\(unset\)/)
  const dev = await diagnose({ env: { ...env, AWS_COGNITO_DISABLED: 'true', NODE_ENV: 'test' } })
  assert.equal(dev.ok, true)
  assert.match(dev.check('mode').detail, /^disabled \(test mode\) with NODE_ENV=test/)
})

test('cookies: Secure cookies on plain http, and SameSite=None without https', async (t) => {
  const { options } = await pool(t)
  const report = await diagnose({ options: { ...options, cookieSecure: true, cookieSameSite: 'none' } })
  assertFailed(report, ['cookies'])
  assert.match(report.check('cookies').detail, /^Secure cookies with a plain-http redirectUrl \(http:\/\/localhost:5000\).*; SameSite=None without https/)
  assert.match(report.check('cookies').fix as string, /leave cookieSecure unset.*; use AWS_COGNITO_COOKIE_SAMESITE=lax/)
})

test('cookies: a cookieDomain that does not cover the redirect host; a parent domain that does', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_COOKIE_DOMAIN: 'example.com' } })
  assertFailed(report, ['cookies'])
  assert.match(report.check('cookies').detail, /cookieDomain example\.com does not cover redirectUrl's host localhost/)
  const covered = await diagnose({ env: { ...env, AWS_COGNITO_COOKIE_DOMAIN: '.localhost' } })
  assert.equal(covered.check('cookies').status, 'pass')
  assert.match(covered.check('cookies').detail, /Domain=\.localhost/)
})

test('cookies: SameSite=Strict never comes back from Cognito\'s domain, another site', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_COOKIE_SAMESITE: 'strict' } })
  assertFailed(report, ['cookies'])
  assert.match(report.check('cookies').detail, /SameSite=Strict: the callback is a navigation from Cognito's http:\/\/127\.0\.0\.1:\d+, another site/)
})

test('cookies: SameSite=Strict is fine when the Hosted UI is a custom domain of the app\'s own site', async (t) => {
  const { options } = await pool(t)
  const sameSite = resolveOptions({ ...options, domain: 'https://auth.example.com', redirectUrl: 'https://app.example.com/postlogin', logoutUrl: 'https://app.example.com/postlogout', cookieSameSite: 'strict' })
  assert.deepEqual(cookiesCheck(sameSite), { id: 'cookies', status: 'pass', detail: 'Secure=true, SameSite=strict, host-only: they fit https://app.example.com' })
})
