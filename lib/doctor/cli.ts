#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs, parseEnv } from 'node:util'
import { formatReport, runDoctor } from './index.js'

const USAGE = `Usage: fastify-cognito-auth doctor [--env-file <path>] [--json]
Checks the settings optionsFromEnv reads (the environment, then .env in this folder) against the live user pool.
Exit status 0 when no check fails, 1 otherwise.`

/** Parses the command line, reads the environment (the process's own variables win over the file's), runs the doctor. */
async function main (argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'env-file': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } })
  if (values.help === true || positionals.length !== 1 || positionals[0] !== 'doctor') {
    console.error(USAGE)
    return values.help === true ? 0 : 1
  }
  const file = values['env-file'] ?? '.env'
  if (values['env-file'] !== undefined && !existsSync(file)) {
    console.error(`fastify-cognito-auth doctor: no such env file: ${file}`)
    return 1
  }
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {}
  const report = await runDoctor({ env: { ...fromFile, ...process.env } })
  process.stdout.write(`${values.json === true ? JSON.stringify(report, null, 2) : formatReport(report).trimEnd()}\n`)
  return report.ok ? 0 : 1
}

main(process.argv.slice(2)).then((status) => { process.exitCode = status }, (err: Error) => {
  console.error(`fastify-cognito-auth doctor: ${err.message}`)
  process.exitCode = 1
})
