import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { request } from 'undici'
import { portFromEnv } from '../example/port.js'

test('PORT: unset or empty is 5000, 0 is any free port, anything else but a port number is refused', () => {
  assert.equal(portFromEnv(undefined), 5000)
  assert.equal(portFromEnv(''), 5000)
  assert.equal(portFromEnv(' '), 5000)
  assert.equal(portFromEnv('0'), 0)
  assert.equal(portFromEnv('8080'), 8080)
  for (const bad of ['http', '80.5', '-1', '65536']) assert.throws(() => portFromEnv(bad), /PORT must be a port number/)
})

test('the example on PORT=0 prints the URL it really listens on, and its login goes to the emulator with that callback', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'example-')) // no .env there: the example runs against the emulator
  t.after(() => rmSync(cwd, { recursive: true, force: true }))
  const entry = new URL('../example/server.js', import.meta.url).pathname
  const child = spawn(process.execPath, [entry], { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PORT: '0', AWS_COGNITO_DOMAIN: '' } })
  t.after(() => { child.kill('SIGTERM') })
  let output = ''
  for await (const chunk of child.stdout) {
    output += String(chunk)
    if (output.includes('to log in.')) break
  }
  const url = /example: (http:\/\/localhost:(\d+)\/)/.exec(output)
  assert.ok(url !== null, output)
  assert.notEqual(url[2], '0')
  assert.match(output, new RegExp(`Open ${url[1]}claims to log in\\.`))

  const home = await request(url[1] as string)
  assert.equal(home.statusCode, 200)
  await home.body.dump()
  const login = await request(`${url[1]}login`)
  const authorize = new URL(String(login.headers.location))
  assert.equal(authorize.searchParams.get('redirect_uri'), `${url[1]}postlogin`)
  await login.body.dump()
  const form = await request(authorize)
  assert.equal(form.statusCode, 302, 'the emulator knows the callback: it asks for the sign-in form, not redirect_mismatch')
  assert.match(String(form.headers.location), /^\/login\?/)
  await form.body.dump()
})
