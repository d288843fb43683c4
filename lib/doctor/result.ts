/** `pass` ✓, `fail` ✗ (exit status 1), `warn` ! (worth a look, not a failure), `skip` - (an earlier failure hides it). */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip'

/** The names of the doctor's checks, in the order they run. */
export type CheckId = 'options' | 'mode' | 'cookies' | 'issuer' | 'jwks' | 'clock' | 'domain' | 'client' | 'callback' | 'scopes' | 'logout' | 'secret'

/** One line of the report: what was found and, for a failure or a warning, how to fix it. */
export interface CheckResult {
  id: CheckId
  status: CheckStatus
  /** What the check found, in one sentence. */
  detail: string
  /** What to change, when something is wrong. */
  fix?: string
}

export const pass = (id: CheckId, detail: string): CheckResult => ({ id, status: 'pass', detail })
export const fail = (id: CheckId, detail: string, fix: string): CheckResult => ({ id, status: 'fail', detail, fix })
export const warn = (id: CheckId, detail: string, fix: string): CheckResult => ({ id, status: 'warn', detail, fix })
export const skip = (id: CheckId, detail: string): CheckResult => ({ id, status: 'skip', detail })

/** What went wrong, in the error's own words. */
export const reason = (err: unknown): string => (err as Error).message ?? String(err)
