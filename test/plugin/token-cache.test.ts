import assert from 'node:assert/strict'
import { test } from 'node:test'
import { VerifiedTokenCache } from '../../lib/token-cache.js'

test('entries are keyed by the whole token and dropped at exp (plus leeway)', () => {
  const cache = new VerifiedTokenCache<{ exp: number }>(10, 5)
  cache.set('header.payload.sig1', { exp: 100 })
  assert.deepEqual(cache.get('header.payload.sig1', 104), { exp: 100 })
  assert.equal(cache.get('header.payload.sig2', 50), undefined)
  assert.equal(cache.get('header.payload.sig', 50), undefined)
  assert.equal(cache.get('header.payload.sig1', 105), undefined)
  assert.equal(cache.size, 0)
})

test('the cache is bounded: the oldest entry goes first', () => {
  const cache = new VerifiedTokenCache<{ exp: number }>(2, 0)
  cache.set('a', { exp: 100 })
  cache.set('b', { exp: 100 })
  cache.set('c', { exp: 100 })
  assert.equal(cache.size, 2)
  assert.equal(cache.get('a', 0), undefined)
  assert.ok(cache.get('b', 0) !== undefined && cache.get('c', 0) !== undefined)
})
