import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startCognitoEmulator } from '../../lib/testing/index.js'
import { SESSION_SECRET } from './setup.js'

const CLI = fileURLToPath(new URL('../../lib/doctor/cli.js', import.meta.url))

interface Run { status: number, stdout: string, stderr: string }

/** The real command in a child process, in `cwd`, with only PATH from this environment. */
async function doctor (args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ status: typeof err?.code === 'number' ? err.code : 0, stdout, stderr })
    })
  })
}

async function folder (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'doctor-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** The README's settings for the example against the emulator: `npm run emulator`'s values, the example's URLs. */
async function readmeEnv (t: { after: (fn: () => Promise<void>) => void }): Promise<Record<string, string>> {
  const idp = await startCognitoEmulator()
  t.after(() => idp.close())
  const { clientId, clientSecret } = idp.pluginOptions()
  return {
    SECRET_KEY: SESSION_SECRET,
    AWS_REGION: 'us-east-1',
    AWS_COGNITO_DOMAIN: idp.domain,
    AWS_COGNITO_ISSUER: idp.issuer,
    AWS_COGNITO_USER_POOL_ID: idp.userPoolId,
    AWS_COGNITO_USER_POOL_CLIENT_ID: clientId,
    AWS_COGNITO_USER_POOL_CLIENT_SECRET: clientSecret as string,
    AWS_COGNITO_REDIRECT_URL: 'http://localhost:5000/postlogin',
    AWS_COGNITO_LOGOUT_URL: 'http://localhost:5000/postlogout',
    AWS_COGNITO_COOKIE_AGE_SECONDS: '1800'
  }
}

const dotenv = (env: Record<string, string>): string => Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n')

test('doctor with the README\'s example settings in ./.env: every check passes, exit status 0', async (t) => {
  const env = await readmeEnv(t)
  const cwd = await folder(t)
  await writeFile(join(cwd, '.env'), dotenv(env))
  const run = await doctor(['doctor'], cwd)
  assert.equal(run.stderr, '')
  assert.equal(run.status, 0)
  const lines = run.stdout.trimEnd().split('\n')
  assert.equal(lines.length, 13)
  assert.ok(lines.slice(0, 12).every((line) => line.startsWith('✓ ')), run.stdout)
  assert.equal(lines[12], '12 checks: 12 passed, 0 failed, 0 warnings, 0 skipped')
  assert.equal(run.stdout.includes(env.AWS_COGNITO_USER_POOL_CLIENT_SECRET as string), false)
  assert.equal(run.stdout.includes(SESSION_SECRET), false)
})

test('a failing run: exit status 1, a ✗ line and a fix for each problem, the environment over --env-file, no secret printed', async (t) => {
  const env = await readmeEnv(t)
  const cwd = await folder(t)
  await writeFile(join(cwd, 'pool.env'), dotenv({ ...env, AWS_COGNITO_USER_POOL_CLIENT_SECRET: 'a-wrong-client-secret-from-the-file-0123456789abcd' }))
  const run = await doctor(['doctor', '--env-file', 'pool.env'], cwd, { AWS_COGNITO_REDIRECT_URL: 'http://127.0.0.1:5000/postlogin' })
  assert.equal(run.status, 1)
  assert.match(run.stdout, /^✗ callback {2}redirectUrl http:\/\/127\.0\.0\.1:5000\/postlogin is not a callback URL of app client \w+ \(Cognito: redirect_mismatch\)\n {12}fix: add it to the app client's Allowed callback URLs/m)
  assert.match(run.stdout, /^✗ secret {4}Cognito refused the client secret …abcd for app client \w+ \(invalid_client\)$/m)
  assert.match(run.stdout, /^- scopes {4}Cognito checks scopes only for a registered callback URL$/m)
  assert.match(run.stdout, /12 checks: 9 passed, 2 failed, 0 warnings, 1 skipped\n$/)
  assert.equal(run.stdout.includes('a-wrong-client-secret'), false)
  assert.equal(run.stdout.includes(SESSION_SECRET), false)
})

test('--json prints the report for machines', async (t) => {
  const env = await readmeEnv(t)
  const cwd = await folder(t)
  const run = await doctor(['doctor', '--json'], cwd, { ...env, AWS_COGNITO_LOGOUT_URL: 'http://localhost:5000/bye' })
  assert.equal(run.status, 1)
  const report = JSON.parse(run.stdout) as { ok: boolean, checks: Array<{ id: string, status: string }> }
  assert.equal(report.ok, false)
  assert.deepEqual(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]), [['logout', 'fail']])
})

test('usage: no command, an unknown flag, or a missing --env-file exit 1 with a message; --help exits 0', async (t) => {
  const cwd = await folder(t)
  const none = await doctor([], cwd)
  assert.equal(none.status, 1)
  assert.match(none.stderr, /^Usage: fastify-cognito-auth doctor \[--env-file <path>\] \[--json\]/)
  const unknown = await doctor(['doctor', '--verbose'], cwd)
  assert.equal(unknown.status, 1)
  assert.match(unknown.stderr, /^fastify-cognito-auth doctor: Unknown option '--verbose'/)
  const missing = await doctor(['doctor', '--env-file', 'nope.env'], cwd)
  // Node 20 itself also reads --env-file anywhere on the command line: it may refuse the missing file first (status 9).
  assert.notEqual(missing.status, 0)
  assert.match(missing.stderr, /nope\.env: not found|no such env file: nope\.env/)
  const help = await doctor(['--help'], cwd)
  assert.equal(help.status, 0)
  assert.match(help.stderr, /Exit status 0 when no check fails, 1 otherwise/)
})

test('no settings at all: the options check names the first missing one', async (t) => {
  const run = await doctor(['doctor'], await folder(t))
  assert.equal(run.status, 1)
  assert.match(run.stdout, /^✗ options {3}Invalid option region: a non-empty string is required\n {12}fix: set AWS_REGION \(option region\)$/m)
})
