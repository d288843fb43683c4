import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { authorizeUrl, newLoginTransaction } from '../../lib/login.js'
import { safeReturnTo } from '../../lib/return-to.js'

test('a login transaction has fresh random state, nonce, and an RFC 7636 verifier', () => {
  const a = newLoginTransaction('/x')
  const b = newLoginTransaction()
  assert.ok(a.verifier.length >= 43 && a.verifier.length <= 128)
  assert.match(a.verifier, /^[A-Za-z0-9._~-]+$/)
  assert.notEqual(a.state, b.state)
  assert.notEqual(a.nonce, b.nonce)
  assert.equal(a.returnTo, '/x')
  const url = new URL(authorizeUrl({ authorizeEndpoint: 'https://idp/oauth2/authorize', clientId: 'c', redirectUri: 'https://app/cb' }, a))
  assert.equal(url.searchParams.get('code_challenge'), createHash('sha256').update(a.verifier).digest('base64url'))
  assert.equal(url.searchParams.has('scope'), false)
})

test('returnTo accepts same-origin paths only', () => {
  for (const ok of ['/', '/x', '/a/b?c=d&e=f', '/caf%C3%A9', '/a/../..//evil.example']) assert.equal(safeReturnTo(ok), ok, ok)
  // A browser resolves that last one to a path on the same origin, never to another host.
  assert.equal(new URL('/a/../..//evil.example', 'https://app.example').host, 'app.example')
  const refused = [
    '//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', 'evil', '',
    '/%2F/evil.example', '/%5Cevil.example', '%2F%2Fevil.example', '/\t/evil.example', '/ /evil', '/%09/evil.example',
    '/%0d%0aSet-Cookie:x', '/%', '/' + 'a'.repeat(3000), undefined, 42, ['/x']
  ]
  for (const bad of refused) assert.equal(safeReturnTo(bad), undefined, String(bad))
})
