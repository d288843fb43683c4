import type { Dispatcher } from 'undici'
import { cognitoEndpoints } from '../endpoints.js'
import { optionsFromEnv } from '../env.js'
import type { CognitoAuthOptions, ResolvedOptions } from '../options.js'
import { cookiesCheck, modeCheck, optionsCheck } from './config-checks.js'
import { hostedUiChecks } from './hosted-ui-checks.js'
import { issuerChecks } from './issuer-checks.js'
import { skip, type CheckId, type CheckResult } from './result.js'
import { secretCheck, secretHint } from './secret-check.js'

export type { CheckId, CheckResult, CheckStatus } from './result.js'

/** What the doctor checks: the environment (as `optionsFromEnv` reads it) or the options given in code. */
export interface DoctorInput {
  /** Default `process.env`; also where `NODE_ENV` is read. */
  env?: Record<string, string | undefined>
  /** The plugin options; default `optionsFromEnv(env)`. */
  options?: CognitoAuthOptions
  /** undici Dispatcher for every call (overrides `options.dispatcher`). */
  dispatcher?: Dispatcher
}

/** Every check's result, in order; `ok` when none failed. */
export interface DoctorReport {
  ok: boolean
  checks: CheckResult[]
}

const NETWORK: CheckId[] = ['issuer', 'jwks', 'clock', 'domain', 'client', 'callback', 'scopes', 'logout', 'secret']

async function networkChecks (options: ResolvedOptions): Promise<CheckResult[]> {
  const endpoints = cognitoEndpoints(options)
  const [pool, hostedUi] = await Promise.all([issuerChecks(options), hostedUiChecks(options, endpoints)])
  const clientKnown = hostedUi.find((r) => r.id === 'client')?.status === 'pass'
  return [...pool, ...hostedUi, clientKnown ? await secretCheck(options, endpoints) : skip('secret', 'the Hosted UI or the client failed above')]
}

/** Secrets never leave the doctor whole, whatever a message quotes: at most their last 4 characters. */
function redacted (result: CheckResult, secrets: string[]): CheckResult {
  const hide = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join(secretHint(secret)), text)
  return { ...result, detail: hide(result.detail), ...(result.fix === undefined ? {} : { fix: hide(result.fix) }) }
}

/**
 * Checks a configuration against the live user pool, without logging anyone in: options, test mode, cookies,
 * issuer and JWKS, clock skew, Hosted UI domain, app client, callback and sign-out URLs, scopes, client secret.
 * @example
 * const report = await runDoctor({ env: process.env })
 * if (!report.ok) process.stdout.write(formatReport(report))
 */
export async function runDoctor (input: DoctorInput = {}): Promise<DoctorReport> {
  const env = input.env ?? process.env
  const given = input.options ?? optionsFromEnv(env)
  const options = input.dispatcher === undefined ? given : { ...given, dispatcher: input.dispatcher }
  const { result, resolved } = optionsCheck(options)
  const checks = [result, modeCheck(options, env.NODE_ENV)]
  if (resolved === undefined) {
    checks.push(...['cookies' as const, ...NETWORK].map((id) => skip(id, 'the options are invalid')))
  } else {
    checks.push(cookiesCheck(resolved), ...await networkChecks(resolved))
  }
  const secrets = [options.clientSecret, ...[options.secret].flat()].filter((s): s is string => typeof s === 'string' && s.length >= 6)
  const report = checks.map((check) => redacted(check, secrets))
  return { ok: report.every((check) => check.status !== 'fail'), checks: report }
}

export { formatReport } from './report.js'
