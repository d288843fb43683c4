import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import cognitoAuth, { type CognitoAuthOptions } from '../../lib/index.js'
import { auditedApp as startApp } from './audit.js'

async function registration (options: CognitoAuthOptions): Promise<Error | undefined> {
  const app = Fastify()
  try {
    await app.register(cognitoAuth, options).ready()
    return undefined
  } catch (err) {
    return err as Error
  } finally {
    await app.close()
  }
}

test('authorizeParams the app pinned win over /login\'s query, which may only fill what is unset', async (t) => {
  const app = await startApp(t, { options: { authorizeParams: { identity_provider: 'CorporateSAML' } } })
  const res = await app.app.inject('/login?identity_provider=COGNITO&lang=de')
  const q = new URL(String(res.headers.location)).searchParams
  assert.equal(q.get('identity_provider'), 'CorporateSAML')
  assert.equal(q.get('lang'), 'de')
})

test('test mode only when NODE_ENV is development or test; refused otherwise with the reason', async (t) => {
  const { options } = await startApp(t)
  const saved = process.env.NODE_ENV
  t.after(() => { process.env.NODE_ENV = saved })
  for (const env of [undefined, '', 'production', 'staging', 'prod', 'Test']) {
    if (env === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = env
    const err = await registration({ ...options, disabled: true }) as Error & { code?: string }
    assert.equal(err?.code, 'FST_COGNITO_INVALID_OPTION', String(env))
    assert.match(err.message, /Invalid option disabled: .*NODE_ENV=development or NODE_ENV=test/)
  }
  for (const env of ['development', 'test']) {
    process.env.NODE_ENV = env
    assert.equal(await registration({ ...options, disabled: true }), undefined, env)
  }
})

test('a plainly low-entropy secret is refused, saying how to make one', async (t) => {
  const { options } = await startApp(t)
  for (const secret of ['a'.repeat(40), 'ab'.repeat(20), '0123456789'.repeat(4), ['x'.repeat(64)]]) {
    const err = await registration({ ...options, secret }) as Error & { code?: string }
    assert.equal(err?.code, 'FST_COGNITO_INVALID_OPTION', String(secret))
    assert.match(err.message, /Invalid option secret: .*low-entropy.*randomBytes\(32\)/)
  }
  assert.equal(await registration({ ...options, secret: 'kQ8vN2xZ7pL4wR9tY6uE3iO1aS5dF0gH' }), undefined)
})
