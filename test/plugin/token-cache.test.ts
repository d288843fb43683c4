import assert from 'node:assert/strict'
import { test } from 'node:test'
import { VerifiedTokenCache } from '../../lib/token-cache.js'

const tail = 'S'.repeat(32)

test('entries are returned only for the whole, equal token, and dropped at exp (plus leeway)', () => {
  const cache = new VerifiedTokenCache<{ exp: number }>(10, 5)
  cache.set(`header.payload.${tail}`, { exp: 100 }, 0)
  assert.deepEqual(cache.get(`header.payload.${tail}`, 104), { exp: 100 })
  // Same signature tail, another token: never the cached claims.
  assert.equal(cache.get(`header.forged.${tail}`, 50), undefined)
  assert.equal(cache.get(`x${tail}`, 50), undefined)
  assert.equal(cache.get(`header.payload.${tail}x`, 50), undefined)
  assert.equal(cache.get(`header.payload.${tail}`, 105), undefined)
  assert.equal(cache.size, 0)
})

test('the cache is bounded: the oldest entry goes first', () => {
  const cache = new VerifiedTokenCache<{ exp: number }>(2, 0)
  cache.set(`a.${'a'.repeat(40)}`, { exp: 100 }, 0)
  cache.set(`b.${'b'.repeat(40)}`, { exp: 100 }, 0)
  cache.set(`c.${'c'.repeat(40)}`, { exp: 100 }, 0)
  assert.equal(cache.size, 2)
  assert.equal(cache.get(`a.${'a'.repeat(40)}`, 0), undefined)
  assert.ok(cache.get(`b.${'b'.repeat(40)}`, 0) !== undefined && cache.get(`c.${'c'.repeat(40)}`, 0) !== undefined)
})

test('an entry is trusted for maxAge at most, even when the token lives longer', () => {
  const cache = new VerifiedTokenCache<{ exp: number }>(10, 0, 600)
  cache.set(`header.payload.${tail}`, { exp: 5000 }, 1000)
  assert.deepEqual(cache.get(`header.payload.${tail}`, 1599), { exp: 5000 })
  assert.equal(cache.get(`header.payload.${tail}`, 1600), undefined)
})
