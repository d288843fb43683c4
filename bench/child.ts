import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Linux reports process CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const CLK_TCK = 100

export interface ServerStats { heapUsed: number, jwksRequests: number, postlogin: number[] }

export interface BenchServer {
  url: string
  cookie: string
  bearer: string
  /** Three bearer tokens: with `pools`, one of each trusted pool; else of the app's own pool. */
  bearers: string[]
  pid: number
  /** Server CPU time so far, in microseconds (user + system, from /proc). */
  cpuMicros: () => number
  stats: () => Promise<ServerStats>
  gc: () => Promise<number>
  close: () => void
}

/** Starts `bench/server.js <mode> <settings>` in its own process and waits for its JSON line. */
export async function startServer (mode: 'bare' | 'auth' | 'auth-audited' | 'pools', settings: object = {}): Promise<BenchServer> {
  const entry = new URL('./server.js', import.meta.url).pathname
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', entry, mode, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let line = ''
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    line += String(chunk)
    if (line.includes('\n')) break
  }
  const { port, cookie, bearer, bearers } = JSON.parse(line) as { port: number, cookie: string, bearer: string, bearers: string[] }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    cookie,
    bearer,
    bearers,
    pid: child.pid as number,
    cpuMicros: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      return (Number(fields[11]) + Number(fields[12])) * (1e6 / CLK_TCK)
    },
    stats: async () => await (await fetch(`${url}/__stats`)).json() as ServerStats,
    gc: async () => ((await (await fetch(`${url}/__gc`, { method: 'POST' })).json()) as { heapUsed: number }).heapUsed,
    close: () => { child.kill('SIGTERM') }
  }
}
