import assert from 'node:assert/strict'
import { test } from 'node:test'
import { unreachableCallback } from '../../lib/listen-warning.js'
import { buildApp, freePort, SECRET } from '../helpers/app.js'

async function listening (t: { after: (fn: () => Promise<void>) => void }, redirectHost: string): Promise<Array<{ level: number, msg: string }>> {
  const port = await freePort()
  const { app, logs } = await buildApp({
    secret: SECRET,
    region: 'us-east-1',
    domain: 'http://127.0.0.1:1',
    userPoolId: 'us-east-1_Emulat0r',
    clientId: 'listenclient',
    redirectUrl: `http://${redirectHost}:${port}/postlogin`,
    logoutUrl: `http://${redirectHost}:${port}/postlogout`
  })
  await app.listen({ port, host: '127.0.0.1' })
  t.after(() => app.close())
  return logs.map((line) => JSON.parse(line)).filter((entry) => entry.level === 40)
}

test('one warning at start when redirectUrl is on a loopback host the app does not listen on', async (t) => {
  const warnings = await listening(t, '[::1]')
  assert.equal(warnings.length, 1)
  assert.match(warnings[0]?.msg as string, /^fastify-cognito-auth: redirectUrl http:\/\/\[::1\]:\d+\/postlogin is on a host the app does not listen on \(127\.0\.0\.1:\d+\): Cognito will send browsers back where nothing answers/)
  assert.match(warnings[0]?.msg as string, /Listen on \[::1\], or set redirectUrl to the host the app is opened at\.$/)
})

test('no warning when the app listens where redirectUrl points (the IP, or an address of localhost)', async (t) => {
  assert.deepEqual(await listening(t, '127.0.0.1'), [])
  assert.deepEqual(await listening(t, 'localhost'), [])
})

test('no warning for a non-loopback redirectUrl, an app on every interface, or a socket path', async () => {
  const at = (address: string, family = 'IPv4'): { address: string, family: string, port: number } => ({ address, family, port: 3000 })
  assert.equal(await unreachableCallback(new URL('https://app.example.com/postlogin'), [at('127.0.0.1')]), undefined)
  assert.equal(await unreachableCallback(new URL('http://[::1]:3000/postlogin'), [at('0.0.0.0')]), undefined)
  assert.equal(await unreachableCallback(new URL('http://[::1]:3000/postlogin'), ['/tmp/app.sock']), undefined)
  assert.match(await unreachableCallback(new URL('http://127.0.0.1:3000/postlogin'), [at('::1', 'IPv6')]) ?? '', /does not listen on \(\[::1\]:3000\)/)
})
