import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import assert from 'node:assert/strict'
import { runDoctor, type CheckId, type CheckResult, type DoctorInput, type DoctorReport } from '../../lib/doctor/index.js'
import type { CognitoAuthOptions } from '../../lib/index.js'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorClient } from '../../lib/testing/index.js'

interface TestContext { after: (fn: () => Promise<void> | void) => void }

export const SESSION_SECRET = 'a-session-secret-that-is-long-enough-0123456789'
export const APP = 'http://localhost:5000'

/** The emulator with one client registered for the app at {@link APP}, and the environment that points at it. */
export async function pool (t: TestContext, client: Partial<EmulatorClient> = {}): Promise<{ idp: CognitoEmulator, env: Record<string, string>, options: CognitoAuthOptions }> {
  const idp = await startCognitoEmulator({
    clients: [{ clientId: 'doctorclient', clientSecret: 'doctor-client-secret-0123456789abcdefghijklmnopWXYZ', callbackUrls: [`${APP}/postlogin`], logoutUrls: [`${APP}/postlogout`], ...client }]
  })
  t.after(() => idp.close())
  const { clientSecret } = idp.clients[0] as EmulatorClient
  const env: Record<string, string> = {
    SECRET_KEY: SESSION_SECRET,
    AWS_REGION: idp.region,
    AWS_COGNITO_DOMAIN: idp.domain,
    AWS_COGNITO_ISSUER: idp.issuer,
    AWS_COGNITO_USER_POOL_ID: idp.userPoolId,
    AWS_COGNITO_USER_POOL_CLIENT_ID: 'doctorclient',
    ...(clientSecret === undefined ? {} : { AWS_COGNITO_USER_POOL_CLIENT_SECRET: clientSecret }),
    AWS_COGNITO_REDIRECT_URL: `${APP}/postlogin`,
    AWS_COGNITO_LOGOUT_URL: `${APP}/postlogout`
  }
  return { idp, env, options: { ...idp.pluginOptions(), secret: SESSION_SECRET, redirectUrl: `${APP}/postlogin`, logoutUrl: `${APP}/postlogout` } }
}

/** Runs the doctor and returns the report with a lookup by check. */
export async function diagnose (input: DoctorInput): Promise<DoctorReport & { check: (id: CheckId) => CheckResult }> {
  const report = await runDoctor(input)
  assert.deepEqual(report.checks.map((c) => c.id), ['options', 'mode', 'cookies', 'issuer', 'jwks', 'clock', 'domain', 'client', 'callback', 'scopes', 'logout', 'secret'])
  return { ...report, check: (id) => report.checks.find((c) => c.id === id) as CheckResult }
}

/** Asserts that exactly the named checks failed (and the report is not ok), each with a fix. */
export function assertFailed (report: DoctorReport, ids: CheckId[]): void {
  assert.equal(report.ok, false)
  const failed = report.checks.filter((c) => c.status === 'fail')
  assert.deepEqual(failed.map((c) => c.id), ids)
  for (const check of failed) assert.ok(check.fix !== undefined && check.fix.length > 10, `${check.id} says how to fix it`)
}

type Route = (req: IncomingMessage, res: ServerResponse) => void

/** A loopback server that answers as something other than Cognito would (or not at all): for the checks' odd cases. */
export async function oddServer (t: TestContext, route: Route): Promise<string> {
  const server = createServer(route)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A loopback address where nothing listens (port 1, tcpmux, is never served here). */
export const CLOSED = 'http://127.0.0.1:1'
