import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertFailed, CLOSED, diagnose, oddServer, pool } from './setup.js'

test('issuer: unreachable, the pool\'s other checks still run', async (t) => {
  const { env } = await pool(t)
  const report = await diagnose({ env: { ...env, AWS_COGNITO_ISSUER: `${CLOSED}/us-east-1_Emulat0r` } })
  assertFailed(report, ['issuer', 'jwks'])
  assert.equal(report.check('issuer').detail, `Cognito could not be reached: ${CLOSED}/us-east-1_Emulat0r/.well-known/openid-configuration (ECONNREFUSED)`)
  assert.equal(report.check('clock').status, 'skip')
  assert.equal(report.check('secret').status, 'pass')
})

test('issuer: no such pool at the address (404), and a document naming another issuer', async (t) => {
  const { env, idp } = await pool(t)
  const missing = await diagnose({ env: { ...env, AWS_COGNITO_ISSUER: `${idp.domain}/us-east-1_Other` } })
  assertFailed(missing, ['issuer', 'jwks'])
  assert.match(missing.check('issuer').detail, /openid-configuration answered 404: no user pool there$/)
  assert.match(missing.check('jwks').detail, /jwks\.json answered 404 without a key set/)

  const elsewhere = await oddServer(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(req.url?.endsWith('jwks.json') === true ? JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', use: 'sig' }] }) : JSON.stringify({ issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Real' }))
  })
  const wrong = await diagnose({ env: { ...env, AWS_COGNITO_ISSUER: `${elsewhere}/us-east-1_Emulat0r` } })
  assertFailed(wrong, ['issuer', 'jwks'])
  assert.equal(wrong.check('issuer').fix, 'set AWS_COGNITO_ISSUER to https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Real, or correct AWS_REGION and AWS_COGNITO_USER_POOL_ID')
  assert.match(wrong.check('jwks').detail, /has no RS256 signing key/)
})

test('issuer: an answer that is not JSON is reported, not thrown', async (t) => {
  const { env } = await pool(t)
  const html = await oddServer(t, (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>') })
  const report = await diagnose({ env: { ...env, AWS_COGNITO_ISSUER: `${html}/us-east-1_Emulat0r` } })
  assertFailed(report, ['issuer', 'jwks'])
  assert.match(report.check('issuer').detail, /answered 200, not JSON: no user pool there$/)
})

test('jwks: unavailable (503) fails while the discovery document passes', async (t) => {
  const { env, idp } = await pool(t)
  idp.setJwksAvailable(false)
  const report = await diagnose({ env })
  assertFailed(report, ['jwks'])
  assert.match(report.check('jwks').detail, /jwks\.json answered 503 without a key set: no token can be verified$/)
  assert.equal(report.check('clock').status, 'pass')
})

test('clock: the emulator\'s clock offset beyond expirationLeeway fails, within it passes', async (t) => {
  const { env, idp } = await pool(t)
  idp.setClockOffset(120)
  const ahead = await diagnose({ env })
  assertFailed(ahead, ['clock'])
  assert.match(ahead.check('clock').detail, /^the IdP's clock is 12\d s ahead of this machine's, more than expirationLeeway \(0 s\): tokens look issued in the future/)
  assert.match(ahead.check('clock').fix as string, /AWS_COGNITO_EXPIRATION_LEEWAY to at least 12\d$/)
  assert.equal((await diagnose({ env: { ...env, AWS_COGNITO_EXPIRATION_LEEWAY: '180' } })).ok, true)

  idp.setClockOffset(-600)
  const behind = await diagnose({ env })
  assertFailed(behind, ['clock'])
  assert.match(behind.check('clock').detail, /^the IdP's clock is (599|600|601) s behind this machine's.*tokens look expired early/)
})

test('requestTimeout bounds every call: a pool that never answers fails in time', async (t) => {
  const { options } = await pool(t)
  const silent = await oddServer(t, () => {})
  const report = await diagnose({ options: { ...options, issuer: `${silent}/us-east-1_Emulat0r`, domain: silent, requestTimeout: 200 } })
  assertFailed(report, ['issuer', 'jwks', 'domain'])
  assert.equal(report.check('issuer').detail, `Cognito did not answer in time: ${silent}/us-east-1_Emulat0r/.well-known/openid-configuration after 200 ms`)
})
