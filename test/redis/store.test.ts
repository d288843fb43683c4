import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { StoreUnavailableError } from '../../lib/errors.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import { Sealer } from '../../lib/store/sealer.js'
import { startRedis } from '../helpers/redis-server.js'

const SECRET = 'a-store-secret-that-is-long-enough-0123456789'
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

test('sealed values open only with a secret of the list and the same context; tampered or short ones are refused', () => {
  const sealer = new Sealer([SECRET], 'store key')
  const sealed = sealer.seal('a refresh token', 'result:abc')
  assert.equal(sealer.open(sealed, 'result:abc'), 'a refresh token')
  assert.equal(sealer.open(sealed, 'result:other'), undefined, 'moved to another key')
  assert.equal(new Sealer(['another-secret-that-is-long-enough-0123456789'], 'store key').open(sealed, 'result:abc'), undefined)
  assert.equal(new Sealer([SECRET], 'session key').open(sealed, 'result:abc'), undefined, 'another purpose derives another key')
  assert.equal(new Sealer(['new-secret-that-is-long-enough-0123456789ab', SECRET], 'store key').open(sealed, 'result:abc'), 'a refresh token', 'rolled secrets still open')
  const raw = Buffer.from(sealed, 'base64url')
  raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1
  assert.equal(sealer.open(raw.toString('base64url'), 'result:abc'), undefined)
  assert.equal(sealer.open('short', 'result:abc'), undefined)
})

async function storeOn (t: { after: (fn: () => Promise<void> | void) => void }, url: string, timeout = 1000): Promise<{ store: RedisStore, client: Redis }> {
  const client = new Redis(url)
  client.on('error', () => {})
  const store = new RedisStore(client, { prefix: 'unit:', timeout, sealer: new Sealer([SECRET], 'store key'), log: Fastify().log })
  await store.start()
  // The store refuses commands until its client is ready (it never queues them): start the tests from there.
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
  t.after(async () => {
    await store.close()
    client.disconnect()
  })
  return { store, client }
}

/** Resolves once `condition` holds, looking again each millisecond; fails after 2 s. */
async function eventually (condition: () => boolean): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    assert.ok(Date.now() - start < 2000, 'never happened')
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

test('two stores on one Redis: ends reach the other through pub/sub and through Redis; unreadable messages are ignored', async (t) => {
  const redis = await startRedis(t)
  const { store: a, client } = await storeOn(t, redis.url)
  const { store: b } = await storeOn(t, redis.url)
  await client.publish('unit:ends', 'not json')
  await client.publish('unit:ends', JSON.stringify([{ key: 'login:bad', until: 'soon' }]))
  const now = nowSeconds()
  assert.ok(await a.end([{ key: 'login:x', until: now + 60, at: now }], now))
  await eventually(() => b.endedAt('login:x', now) === now)
  assert.equal(b.endedAt('login:bad', now), undefined)
  // A store that was not listening (it starts later, or missed it) finds the end in Redis when asked.
  const { store: late } = await storeOn(t, redis.url)
  assert.equal(late.endedAt('login:x', now), undefined)
  await late.load(['login:x', 'login:unknown'], now)
  assert.equal(late.endedAt('login:x', now), now)
  assert.equal(late.endedAt('login:unknown', now), undefined)
})

test('a shared run whose runner fails leaves the lock for the next instance, which runs it and shares its result', async (t) => {
  const redis = await startRedis(t)
  const { store: a } = await storeOn(t, redis.url)
  const { store: b } = await storeOn(t, redis.url)
  let release: () => void = () => {}
  let started: () => void = () => {}
  const running = new Promise<void>((resolve) => { started = resolve })
  const failing = a.once('id-1', async () => {
    started()
    await new Promise<void>((resolve) => { release = resolve })
    throw new Error('token endpoint down')
  })
  await running
  // a holds the lock: b waits for its outcome (or, if a fails first, takes the lock at once); either way b runs next.
  const waiting = b.once('id-1', async () => 'from b')
  await eventually(() => (Reflect.get(b, 'waiters') as Map<string, unknown>).size > 0)
  release()
  await assert.rejects(failing, /token endpoint down/)
  assert.equal(await waiting, 'from b')
  assert.equal(await a.once('id-1', async () => 'never run'), 'from b', 'the shared result is reused')
})

test('a store whose Redis is gone answers StoreUnavailableError at once, and its claims lapse', async (t) => {
  const redis = await startRedis(t)
  const { store } = await storeOn(t, redis.url, 200)
  assert.equal(await store.claimCheck('login', 1000), true)
  assert.equal(await store.claimCheck('login', 1000), false)
  await redis.kill()
  await assert.rejects(store.load(['login:x'], nowSeconds()), (err) => err instanceof StoreUnavailableError && err.statusCode === 503)
  await assert.rejects(store.once('id', async () => 1), StoreUnavailableError)
})
