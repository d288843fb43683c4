import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { Sealer } from '../../lib/store/sealer.js'
import { Browser, logIn, SECRET } from '../helpers/app.js'
import { startCluster, startInstance } from '../helpers/instances.js'
import { msUntilRefused } from '../helpers/propagation.js'
import { PASSWORD } from '../helpers/hosted-ui.js'

const GROUPS = Array.from({ length: 50 }, (_, i) => `group-with-a-longish-name-${i}`)

async function claims (url: string, cookie: string): Promise<{ status: number, groups?: string[] }> {
  const res = await fetch(`${url}/claims`, { headers: { cookie, accept: 'application/json' } })
  const body = await res.json() as { groups?: string[] }
  return { status: res.status, groups: body.groups }
}

test("sessions: 'server' with a user in 50 groups: one cookie under 200 bytes, shared by every instance; tampered or unknown ids refused; logout deletes it", async (t) => {
  const { instances, redis } = await startCluster(t, {
    options: { sessions: 'server' },
    emulator: { users: [{ username: 'dana', password: PASSWORD, email: 'dana@example.com', emailVerified: true, groups: GROUPS }] }
  })
  const browser = new Browser()
  const hops = await logIn(browser, instances[0]?.url as string, 'dana')
  const callback = hops.find((h) => h.url.includes('/postlogin'))
  assert.deepEqual(callback?.setCookies.map((c) => c.split('=')[0]), ['cognito-session'])
  assert.ok((callback?.setCookies[0] as string).length < 200, 'the Set-Cookie line is under 200 bytes')
  const cookie = browser.cookieHeader(new URL(instances[0]?.url as string))
  assert.ok(cookie.length < 200, 'the Cookie header is under 200 bytes')
  for (const instance of instances) assert.deepEqual(await claims(instance.url, cookie), { status: 200, groups: GROUPS })

  const value = cookie.split('=')[1] as string
  const tampered = `cognito-session=${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`
  const unknown = `cognito-session=${new Sealer([SECRET], 'store key').seal(randomBytes(18).toString('base64url'), 'session id')}`
  for (const forged of [tampered, unknown, 'cognito-session=garbage']) {
    for (const instance of instances) assert.equal((await claims(instance.url, forged)).status, 401)
  }

  const client = redis.client()
  const stored = await client.keys('cognito-auth:sess:*')
  assert.equal(stored.length, 1)
  assert.doesNotMatch(await client.get(stored[0] as string) as string, /eyJ/, 'tokens are sealed in Redis')
  assert.ok(await client.pttl(stored[0] as string) > 1_700_000, 'kept as long as the cookie (1800 s)')

  const logout = await fetch(`${instances[1]?.url as string}/logout`, { headers: { cookie }, redirect: 'manual' })
  assert.equal(logout.status, 302)
  assert.deepEqual(await client.keys('cognito-auth:sess:*'), [])
  assert.equal((await claims(instances[1]?.url as string, cookie)).status, 401, 'at once on the instance that served the logout')
  // The others hear of it by pub/sub: within the issue's bound, not necessarily before the next request (a race under load).
  for (const instance of [instances[0], instances[2]]) {
    const ms = await msUntilRefused(instance?.url as string, { cookie, accept: 'application/json' })
    assert.ok(ms < 100, `refused within 100 ms (${ms.toFixed(1)} ms)`)
  }
})

test("sessions: 'server' survives an instance restart, and endSessions deletes every session of the user", async (t) => {
  const { instances, options, redis, idp } = await startCluster(t, { count: 2, options: { sessions: 'server' } })
  const first = new Browser()
  const second = new Browser()
  await logIn(first, instances[0]?.url as string, 'alice')
  await logIn(second, instances[0]?.url as string, 'alice')
  const cookies = [first, second].map((b) => b.cookieHeader(new URL(instances[0]?.url as string)))
  assert.equal((await claims(instances[0]?.url as string, cookies[0] as string)).status, 200)

  await instances[0]?.stop()
  const restarted = await startInstance(t, instances[0]?.port as number, options, redis.url)
  for (const cookie of cookies) assert.equal((await claims(restarted.url, cookie)).status, 200)

  const sub = idp.users.find((u) => u.username === 'alice')?.sub as string
  const ended = await fetch(`${instances[1]?.url as string}/end-sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub }) })
  assert.equal(ended.status, 200)
  for (const cookie of cookies) {
    assert.equal((await claims(instances[1]?.url as string, cookie)).status, 401, 'at once on the instance that ended them')
    const ms = await msUntilRefused(restarted.url, { cookie, accept: 'application/json' })
    assert.ok(ms < 100, `refused on the other within 100 ms (${ms.toFixed(1)} ms)`)
  }
  const client = redis.client()
  assert.deepEqual(await client.keys('cognito-auth:*sess*'), [])
})

test("sessions: 'server' with refreshFlow: an expired access token in the session is refreshed once, under the same session id, for every instance", async (t) => {
  const { instances, redis, idp } = await startCluster(t, { options: { sessions: 'server', refreshFlow: true, cookieMaxAge: 7200 } })
  const browser = new Browser()
  await logIn(browser, instances[0]?.url as string, 'alice')
  const cookie = browser.cookieHeader(new URL(instances[0]?.url as string))
  // Replace the session's access token in Redis by one that expired an hour ago (the test holds the secret).
  const client = redis.client()
  const [key] = await client.keys('cognito-auth:sess:*') as [string]
  const sealer = new Sealer([SECRET], 'store key')
  const record = JSON.parse(sealer.open(await client.get(key) as string, key) as string) as Record<string, unknown>
  idp.setClockOffset(-7200)
  record.accessToken = idp.issueTokens({ username: 'alice' }).access_token
  idp.setClockOffset(0)
  await client.set(key, sealer.seal(JSON.stringify(record), key), 'EX', 7200)
  const before = idp.stats.tokenRequests

  const res = await fetch(`${instances[1]?.url as string}/claims`, { headers: { cookie, accept: 'application/json' } })
  assert.equal(res.status, 200)
  assert.deepEqual(res.headers.getSetCookie(), [], 'the same session id: no new cookie')
  for (const instance of instances) assert.equal((await claims(instance.url, cookie)).status, 200)
  assert.equal(idp.stats.tokenRequests - before, 1, 'one refresh, its tokens stored for every instance')
  const stored = JSON.parse(sealer.open(await client.get(key) as string, key) as string) as { accessToken: string }
  assert.notEqual(stored.accessToken, record.accessToken)
})
