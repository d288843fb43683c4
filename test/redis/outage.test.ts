import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, logIn } from '../helpers/app.js'
import { startCluster } from '../helpers/instances.js'

async function get (url: string, headers: Record<string, string>): Promise<{ status: number, code?: string }> {
  const res = await fetch(`${url}/claims`, { headers })
  const body = await res.json() as { code?: string }
  return { status: res.status, code: body.code }
}

test('Redis killed under load: coded 503s where it is needed, 200s where the instance can decide alone, no crash; back by itself when Redis returns', async (t) => {
  const { instances, idp, redis } = await startCluster(t, { count: 2 })
  const browser = new Browser()
  await logIn(browser, instances[0]?.url as string, 'alice')
  const known = { cookie: browser.cookieHeader(new URL(instances[0]?.url as string)) }
  for (const instance of instances) assert.equal((await get(instance.url, known)).status, 200)

  await redis.kill()
  // A burst: a token each instance has verified passes; one it has never seen needs Redis (was its login ended elsewhere?).
  const fresh = (): Record<string, string> => ({ authorization: `Bearer ${idp.issueTokens({ username: 'bob' }).access_token}` })
  const burst = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const instance = instances[i % 2]?.url as string
    return i % 4 === 0 ? { kind: 'fresh', ...await get(instance, fresh()) } : { kind: 'known', ...await get(instance, known) }
  }))
  for (const answer of burst) {
    if (answer.kind === 'known') assert.equal(answer.status, 200)
    else assert.deepEqual([answer.status, answer.code], [503, 'FST_COGNITO_STORE_UNAVAILABLE'])
  }
  const logout = await fetch(`${instances[1]?.url as string}/logout`, { headers: known, redirect: 'manual' })
  assert.equal(logout.status, 503, 'a logout that cannot reach every instance says so')
  assert.ok(['cognito-session', 'cognito-access-token'].every((name) => logout.headers.getSetCookie().some((c) => c.startsWith(`${name}=;`) && /Max-Age=0/.test(c))), 'and still clears the cookies')
  assert.equal((await logout.json() as { code: string }).code, 'FST_COGNITO_STORE_UNAVAILABLE')
  assert.equal((await get(instances[1]?.url as string, known)).status, 401, 'though it is ended on the instance that took it')
  assert.ok(instances.every((i) => i.alive()))

  await redis.restart()
  const start = Date.now()
  let back = await get(instances[0]?.url as string, fresh())
  while (back.status === 503 && Date.now() - start < 10_000) back = await get(instances[0]?.url as string, fresh())
  assert.equal(back.status, 200, 'service came back without restarting the app')
  assert.ok(instances.every((i) => i.alive()))
})
