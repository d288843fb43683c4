import type { DoctorReport } from './index.js'
import type { CheckStatus } from './result.js'

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-' }
const WIDTH = 10

/** The report for people: one line per check with ✓ / ✗ / ! / -, a `fix:` line under each problem, and a count. */
export function formatReport ({ checks }: DoctorReport): string {
  const lines = checks.map(({ id, status, detail, fix }) =>
    `${MARK[status]} ${id.padEnd(WIDTH)}${detail}${fix === undefined ? '' : `\n  ${' '.repeat(WIDTH)}fix: ${fix}`}`)
  const count = (status: CheckStatus): number => checks.filter((check) => check.status === status).length
  const summary = `${checks.length} checks: ${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warnings, ${count('skip')} skipped`
  return `${lines.join('\n')}\n${summary}\n`
}
