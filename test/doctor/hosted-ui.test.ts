import assert from 'node:assert/strict'
import { test } from 'node:test'
import { verdictOf } from '../../lib/doctor/hosted-ui-checks.js'
import { formatReport } from '../../lib/doctor/index.js'
import { APP, assertFailed, CLOSED, diagnose, oddServer, pool } from './setup.js'

test('callback: a redirectUrl that is not a callback URL of the client is redirect_mismatch', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_REDIRECT_URL: 'http://127.0.0.1:5000/postlogin' } })
  assertFailed(report, ['callback'])
  assert.equal(report.check('callback').detail, 'redirectUrl http://127.0.0.1:5000/postlogin is not a callback URL of app client doctorclient (Cognito: redirect_mismatch)')
  assert.equal(report.check('scopes').status, 'skip')
  assert.equal(report.check('client').status, 'pass')
})

test('logout: a logoutUrl that is not a sign-out URL of the client', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_LOGOUT_URL: `${APP}/signed-out` } })
  assertFailed(report, ['logout'])
  assert.equal(report.check('logout').detail, `/logout does not return to logoutUrl ${APP}/signed-out (Cognito: error=redirect_mismatch)`)
})

test('scopes: a scope the client may not ask for is invalid_scope; allowed ones pass', async (t) => {
  const { env } = await pool(t, { scopes: ['openid', 'email', 'orders/read'] })
  const report = await diagnose({ env: { ...env, AWS_COGNITO_SCOPES: 'openid profile' } })
  assertFailed(report, ['scopes'])
  assert.equal(report.check('scopes').detail, 'the app client may not ask for scopes openid profile (Cognito: invalid_scope)')
  const allowed = await diagnose({ env: { ...env, AWS_COGNITO_SCOPES: 'openid,orders/read' } })
  assert.equal(allowed.ok, true)
  assert.equal(allowed.check('scopes').detail, 'the client may ask for openid orders/read')
  // Cognito refuses email, phone and profile without openid; a custom scope alone passes, with a warning.
  assertFailed(await diagnose({ env: { ...env, AWS_COGNITO_SCOPES: 'email orders/read' } }), ['scopes'])
  const noOpenid = await diagnose({ env: { ...env, AWS_COGNITO_SCOPES: 'orders/read' } })
  assert.equal(noOpenid.ok, true)
  assert.deepEqual(noOpenid.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]), [['scopes', 'warn']])
  assert.match(noOpenid.check('scopes').detail, /without openid Cognito issues no ID token/)
  assert.match(formatReport(noOpenid), /^! scopes {4}the client may ask for orders\/read, but without openid.*\n {12}fix: add openid to AWS_COGNITO_SCOPES/m)
  assert.match(formatReport(noOpenid), /12 checks: 11 passed, 0 failed, 1 warnings, 0 skipped\n$/)
})

test('client: an unknown client id is refused by the Hosted UI; what depends on it is skipped', async (t) => {
  const { env, idp } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_USER_POOL_CLIENT_ID: 'nosuchclient' } })
  assertFailed(report, ['client'])
  assert.equal(report.check('client').detail, 'Cognito refused a login for app client nosuchclient: error=invalid_request')
  assert.deepEqual(['callback', 'scopes', 'logout', 'secret'].map((id) => report.check(id as 'secret').status), ['skip', 'skip', 'skip', 'skip'])
  assert.equal(idp.stats.tokenRequests, 0)
})

test('client: a login the Hosted UI sends back with another error (an identity provider not enabled)', async (t) => {
  const { options } = await pool(t)
  const report = await diagnose({ options: { ...options, authorizeParams: { identity_provider: 'Google' } } })
  assertFailed(report, ['client'])
  assert.equal(report.check('client').detail, 'Cognito refused a login for app client doctorclient: error=invalid_request')
})

test('domain: nothing listening there, or something that is not a Hosted UI', async (t) => {
  const { env } = await pool(t)
  const closed = await diagnose({ env: { ...env, AWS_COGNITO_DOMAIN: CLOSED } })
  assertFailed(closed, ['domain'])
  assert.equal(closed.check('domain').detail, `the Hosted UI at ${CLOSED} does not answer: Cognito could not be reached: ${CLOSED}/oauth2/authorize (ECONNREFUSED)`)
  assert.deepEqual(['client', 'callback', 'scopes', 'logout', 'secret'].map((id) => closed.check(id as 'secret').status), Array(5).fill('skip'))

  const other = await oddServer(t, (_req, res) => { res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>') })
  const foreign = await diagnose({ env: { ...env, AWS_COGNITO_DOMAIN: other } })
  assertFailed(foreign, ['domain'])
  assert.equal(foreign.check('domain').detail, `the Hosted UI at ${other} does not answer: /oauth2/authorize answered 404, not as a Cognito Hosted UI does`)
})

test('verdicts read real Cognito\'s redirects to {domain}/error as well as the emulator\'s error page', () => {
  const domain = 'https://example.auth.eu-west-1.amazoncognito.com'
  const at = (location: string): URL => new URL(location, `${domain}/oauth2/authorize`)
  assert.deepEqual(verdictOf({ status: 302, location: at('/error?error=redirect_mismatch&client_id=abc'), midpoint: 0, text: '' }, domain),
    { kind: 'refused', error: 'redirect_mismatch' })
  assert.deepEqual(verdictOf({ status: 302, location: at('/error'), midpoint: 0, text: '' }, domain), { kind: 'refused', error: 'unknown' })
  assert.deepEqual(verdictOf({ status: 302, location: at('/login?client_id=abc'), midpoint: 0, text: '' }, domain),
    { kind: 'redirected', target: at('/login?client_id=abc'), error: undefined })
  assert.deepEqual(verdictOf({ status: 400, midpoint: 0, text: '<p>error=redirect_mismatch</p>' }, domain), { kind: 'refused', error: 'redirect_mismatch' })
})
