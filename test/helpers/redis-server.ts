import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { freePort } from './app.js'

/** A real redis-server of the test's own: loopback, a random port, no persistence, in a temporary folder. */
export interface TestRedis {
  port: number
  url: string
  pid: () => number | undefined
  /** Kills the server (SIGKILL, by its pid), as a crash would. */
  kill: () => Promise<void>
  /** Starts it again on the same port. */
  restart: () => Promise<void>
  /** A client of the test's own, disconnected before the server stops. */
  client: () => Redis
  stop: () => Promise<void>
}

interface TestContext { after: (fn: () => Promise<void> | void) => void }

async function launch (port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], {
    cwd: dir, stdio: ['ignore', 'pipe', 'inherit']
  })
  let seen = ''
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    seen += String(chunk)
    if (seen.includes('Ready to accept connections')) break
  }
  if (!seen.includes('Ready to accept connections')) throw new Error(`redis-server did not start: ${seen.slice(-400)}`)
  child.stdout?.resume()
  return child
}

async function stopped (child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  process.kill(child.pid as number, signal)
  await exited
}

/** Starts redis-server for this test file; stopped by pid and its folder removed when the test ends. */
export async function startRedis (t: TestContext): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-redis-'))
  const port = await freePort()
  let child = await launch(port, dir)
  const clients: Redis[] = []
  const redis: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child.pid,
    kill: async () => { await stopped(child, 'SIGKILL') },
    restart: async () => { child = await launch(port, dir) },
    client: () => {
      const client = new Redis(`redis://127.0.0.1:${port}`)
      clients.push(client)
      return client
    },
    stop: async () => {
      for (const client of clients) client.disconnect()
      await stopped(child, 'SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }
  t.after(redis.stop)
  return redis
}
