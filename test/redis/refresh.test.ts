import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Browser, logIn } from '../helpers/app.js'
import { startCluster } from '../helpers/instances.js'

const cookieOf = (setCookies: string[], name: string): string | undefined => setCookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0]

test('twenty concurrent requests over A, B and C with one expired access token and rotation on: one refresh, all 200, still logged in', async (t) => {
  const { instances, idp } = await startCluster(t, {
    options: { refreshFlow: true, cookieMaxAge: 7200 },
    client: { refreshTokenRotation: true, retryGracePeriodSeconds: 0 }
  })
  const browser = new Browser()
  await logIn(browser, instances[0]?.url as string, 'alice')
  const url = new URL(instances[0]?.url as string)
  // An access token of alice that expired an hour ago, next to the login's real session and refresh cookies.
  idp.setClockOffset(-7200)
  const expired = idp.issueTokens({ username: 'alice' }).access_token
  idp.setClockOffset(0)
  const cookie = browser.cookieHeader(url).replace(/cognito-access-token=[^;]+/, `cognito-access-token=${expired}`)
  const before = idp.stats.tokenRequests

  const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const res = await fetch(`${instances[i % 3]?.url as string}/claims`, { headers: { cookie, accept: 'application/json' } })
    return { status: res.status, body: await res.json() as { username?: string }, setCookies: res.headers.getSetCookie() }
  }))
  assert.deepEqual(answers.map((a) => a.status), Array(20).fill(200))
  assert.ok(answers.every((a) => a.body.username === 'alice'))
  assert.equal(idp.stats.tokenRequests - before, 1, 'exactly one refresh at the token endpoint')

  // Every instance handed out the same rotated refresh token's cookies; any of them keeps the user logged in everywhere.
  const renewed = answers[7]?.setCookies as string[]
  const next = ['cognito-session', 'cognito-access-token', 'cognito-refresh-token'].map((n) => cookieOf(renewed, n) as string)
  assert.ok(next.every((c) => c !== undefined))
  for (const instance of instances) {
    const res = await fetch(`${instance.url}/claims`, { headers: { cookie: next.join('; '), accept: 'application/json' } })
    assert.equal(res.status, 200)
  }
  assert.equal(idp.stats.tokenRequests - before, 1)
})
