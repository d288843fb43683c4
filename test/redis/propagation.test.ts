import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, logIn } from '../helpers/app.js'
import { startCluster, type Instance } from '../helpers/instances.js'
import { msUntilRefused, percentile } from '../helpers/propagation.js'

const BOUND_MS = 100

async function status (instance: Instance, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${instance.url}/claims`, { headers })
  await res.arrayBuffer()
  return res.status
}

test('three instances on one Redis: a logout on A refuses its copied cookies on B and C within 100 ms, and endSessions likewise', async (t) => {
  const { instances, idp } = await startCluster(t)
  const [a, b, c] = instances as [Instance, Instance, Instance]
  const browser = new Browser()
  await logIn(browser, a.url, 'alice')
  const copied = { cookie: browser.cookieHeader(new URL(a.url)) }
  for (const instance of instances) assert.equal(await status(instance, copied), 200)

  const logout = await fetch(`${a.url}/logout`, { headers: copied, redirect: 'manual' })
  assert.equal(logout.status, 302)
  for (const other of [b, c]) assert.ok(await msUntilRefused(other.url, copied) < BOUND_MS)
  assert.equal(await status(a, copied), 401)

  // endSessions(sub) on B: both of carol's logins end on A and C too (the copies and the bearer token).
  const first = new Browser()
  await logIn(first, a.url, 'carol')
  const second = { authorization: `Bearer ${idp.issueTokens({ username: 'carol' }).access_token}` }
  const cookies = { cookie: first.cookieHeader(new URL(a.url)) }
  for (const instance of instances) for (const headers of [cookies, second]) assert.equal(await status(instance, headers), 200)
  const sub = idp.users.find((u) => u.username === 'carol')?.sub as string
  const ended = await fetch(`${b.url}/end-sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub }) })
  assert.equal(ended.status, 200)
  for (const other of [a, c]) for (const headers of [cookies, second]) assert.ok(await msUntilRefused(other.url, headers) < BOUND_MS)
  for (const instance of instances) assert.equal(await status(instance, { authorization: `Bearer ${idp.issueTokens({ username: 'bob' }).access_token}` }), 200, 'other users go on')
})

test('logout propagation between two instances stays within 100 ms at p99 over 60 logins', async (t) => {
  const { instances, idp } = await startCluster(t, { count: 2 })
  const [a, b] = instances as [Instance, Instance]
  const samples: number[] = []
  for (let i = 0; i < 60; i++) {
    const token = idp.issueTokens({ username: i % 2 === 0 ? 'alice' : 'bob' }).access_token
    // B has verified and cached the token: only the published end can stop it there.
    assert.equal(await status(b, { authorization: `Bearer ${token}` }), 200)
    const logout = await fetch(`${a.url}/logout`, { headers: { cookie: `cognito-access-token=${token}` }, redirect: 'manual' })
    assert.equal(logout.status, 302)
    samples.push(await msUntilRefused(b.url, { authorization: `Bearer ${token}` }))
  }
  t.diagnostic(`propagation p50 ${percentile(samples, 0.5).toFixed(2)} ms, p99 ${percentile(samples, 0.99).toFixed(2)} ms`)
  assert.ok(percentile(samples, 0.99) < BOUND_MS)
})
