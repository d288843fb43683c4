import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AccessTokens } from '../../lib/access-tokens.js'
import { CognitoVerifier } from '../../lib/verifier.js'
import type { TestApp } from '../helpers/app.js'
import { auditedApp, issue, remember } from './audit.js'

const payloadOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString())

/** A valid token's claims with `change` applied, signed by the pool's own key: only the claim types are wrong. */
function forged (app: TestApp, change: Record<string, unknown>, key: 'access' | 'id' = 'access'): string {
  const tokens = issue(app.idp, { username: 'alice', clientId: 'testclient' })
  const token = app.idp.sign({ ...payloadOf(key === 'access' ? tokens.access_token : tokens.id_token as string), ...change }, { key })
  remember(token)
  return token
}

const bearer = async (app: TestApp, url: string, token: string): Promise<{ statusCode: number, json: () => Record<string, unknown> }> =>
  await app.app.inject({ url, headers: { authorization: `Bearer ${token}` } })

const routes = (a: TestApp['app']): void => {
  a.get('/scoped', { preHandler: a.authRequired({ scopes: ['openid'] }) }, async () => ({ scoped: true }))
}

const wrongAccessClaims: Array<Record<string, unknown>> = [
  { scope: ['openid'] }, { scope: 5 }, { scope: { openid: true } },
  { 'cognito:groups': 'readonly-admin' }, { 'cognito:groups': 5 }, { 'cognito:groups': { admin: true } }, { 'cognito:groups': ['admin', 7] },
  { username: 42 }, { jti: 5 }, { origin_jti: {} }, { event_id: [] }, { aud: ['testclient'] }, { aud: 5 },
  { auth_time: '1700000000' }, { auth_time: null }
]

test('access tokens with claims of the wrong type are refused with 401 on every kind of route, never 200 or 500', async (t) => {
  const app = await auditedApp(t, { routes })
  for (const change of wrongAccessClaims) {
    const token = forged(app, change)
    for (const url of ['/claims', '/admin', '/scoped']) {
      const res = await bearer(app, url, token)
      assert.equal(res.statusCode, 401, `${url} ${JSON.stringify(change)}`)
      assert.equal(res.json().code, 'FST_COGNITO_UNAUTHENTICATED')
    }
  }
  // The same claims of the right types pass: only the types were wrong.
  assert.equal((await bearer(app, '/scoped', forged(app, { scope: 'openid email' }))).statusCode, 200)
})

test('a cognito:groups string is no substring match: "readonly-admin" does not pass groups: [admin]', async (t) => {
  const app = await auditedApp(t)
  assert.equal((await bearer(app, '/admin', forged(app, { 'cognito:groups': 'readonly-admin' }))).statusCode, 401)
  assert.equal((await bearer(app, '/admin', forged(app, { 'cognito:groups': ['readonly-admin'] }))).statusCode, 403)
  assert.equal((await bearer(app, '/admin', forged(app, { 'cognito:groups': ['admin'] }))).statusCode, 200)
})

test('a refused token is never cached: each presentation is verified again', async (t) => {
  const app = await auditedApp(t, { routes })
  const verify = t.mock.method(CognitoVerifier.prototype, 'verifyAccessToken')
  const token = forged(app, { scope: 5 })
  for (let i = 0; i < 3; i++) assert.equal((await bearer(app, '/scoped', token)).statusCode, 401)
  assert.equal(verify.mock.callCount(), 3)
})

test('ID tokens with claims of the wrong type are refused by verifyIdToken', async (t) => {
  const app = await auditedApp(t)
  const verifier = new CognitoVerifier({ issuer: app.idp.issuer, clientId: 'testclient', jwksUri: new URL(app.idp.jwksUri), leeway: 0, timeout: 1000 })
  const access = issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token
  const wrong: Array<Record<string, unknown>> = [
    { email_verified: 'true' }, { email_verified: 1 }, { 'cognito:username': 5 }, { 'cognito:groups': 'admin' }, { aud: ['testclient'] },
    { nonce: 5 }, { at_hash: 5 }, { email: ['a@b.c'] }, { jti: 1 }, { event_id: {} }, { auth_time: 'now' }
  ]
  for (const change of wrong) {
    await assert.rejects(verifier.verifyIdToken(forged(app, { at_hash: undefined, ...change }, 'id'), undefined, access), /ERR_JWT_CLAIM_VALIDATION_FAILED|aud/, JSON.stringify(change))
  }
  const good = await verifier.verifyIdToken(forged(app, { at_hash: undefined, email_verified: true }, 'id'), undefined, access)
  assert.equal(good.email_verified, true)
})

/** Counts unhandled rejections while a test runs: there must be none. */
function watchRejections (t: { after: (fn: () => void) => void }): unknown[] {
  const seen: unknown[] = []
  const listener = (reason: unknown): void => { seen.push(reason) }
  process.on('unhandledRejection', listener)
  t.after(() => { process.off('unhandledRejection', listener) })
  return seen
}

const boom = (): never => { throw new TypeError('unexpected') }
/** Claims whose groups throw when a route checks them: an exception inside the group check itself. */
const throwingGroups = (token: string): Record<string, unknown> => ({ ...payloadOf(token), 'cognito:groups': { includes: boom, some: boom, every: boom } })

test('an unexpected exception on the cached path, the verifying path and authOptional is answered, and the app lives on', async (t) => {
  const rejections = watchRejections(t)
  const app = await auditedApp(t, { routes: (a) => a.get('/home', { preHandler: a.authOptional() }, async () => ({ home: true })) })
  const token = issue(app.idp, { username: 'alice', clientId: 'testclient' }).access_token
  assert.equal((await bearer(app, '/claims', token)).statusCode, 200)

  const stages: Array<[string, () => void, string]> = [
    ['cached path, thrown', () => t.mock.method(AccessTokens.prototype, 'cached', boom), '/claims'],
    ['verifying path, thrown', () => t.mock.method(AccessTokens.prototype, 'claims', boom), '/claims'],
    ['verifying path, rejected', () => t.mock.method(AccessTokens.prototype, 'claims', async () => boom()), '/admin'],
    ['group check on the cached path', () => t.mock.method(AccessTokens.prototype, 'cached', throwingGroups), '/admin'],
    ['group check on the verifying path', () => t.mock.method(AccessTokens.prototype, 'claims', async (token: string) => throwingGroups(token)), '/admin'],
    ['authOptional', () => t.mock.method(AccessTokens.prototype, 'claims', boom), '/home']
  ]
  for (const [stage, fault, url] of stages) {
    t.mock.restoreAll()
    fault()
    // A token not yet verified here, so the verifying stages are reached.
    const fresh = issue(app.idp, { username: 'bob', clientId: 'testclient' }).access_token
    const res = await bearer(app, url, stage.startsWith('cached') ? token : fresh)
    assert.equal(res.statusCode, 500, stage)
    assert.equal(res.json().message, 'unexpected', stage)
  }
  t.mock.restoreAll()
  assert.equal((await bearer(app, '/claims', token)).statusCode, 200, 'the app still serves')
  assert.deepEqual(rejections, [])
})
