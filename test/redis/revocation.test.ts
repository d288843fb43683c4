import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, logIn } from '../helpers/app.js'
import { startCluster } from '../helpers/instances.js'

test('globalSignOut in the emulator with revocationCheck: 1: the token is refused on every instance within the interval plus propagation', async (t) => {
  const { instances, idp } = await startCluster(t, { options: { revocationCheck: 1 } })
  const browser = new Browser()
  await logIn(browser, instances[0]?.url as string, 'alice')
  const cookie = browser.cookieHeader(new URL(instances[0]?.url as string))
  const bob = `Bearer ${idp.issueTokens({ username: 'bob' }).access_token}`
  for (const instance of instances) {
    const res = await fetch(`${instance.url}/claims`, { headers: { cookie } })
    assert.equal(res.status, 200)
  }
  const checksBefore = idp.stats.userInfoRequests

  idp.globalSignOut('alice')
  const start = performance.now()
  const refusedAfter = new Map<string, number>()
  // Requests go on round the instances until each refuses: the first check due anywhere ends the login everywhere.
  while (refusedAfter.size < instances.length && performance.now() - start < 5000) {
    for (const instance of instances) {
      if (refusedAfter.has(instance.url)) continue
      const res = await fetch(`${instance.url}/claims`, { headers: { cookie } })
      await res.arrayBuffer()
      if (res.status === 401) refusedAfter.set(instance.url, performance.now() - start)
      else assert.equal(res.status, 200)
    }
  }
  const slowest = Math.max(...refusedAfter.values())
  t.diagnostic(`refused everywhere after ${slowest.toFixed(0)} ms (interval 1000 ms)`)
  assert.equal(refusedAfter.size, 3)
  assert.ok(slowest < 1000 + 100 + 150, `interval plus propagation (and one userInfo call): ${slowest.toFixed(0)} ms`)
  // At most one check per interval per login across the three instances (the loop ran for about one interval).
  assert.ok(idp.stats.userInfoRequests - checksBefore <= 2)
  for (const instance of instances) {
    const res = await fetch(`${instance.url}/claims`, { headers: { authorization: bob } })
    assert.equal(res.status, 200, 'another user is not affected')
  }
})
