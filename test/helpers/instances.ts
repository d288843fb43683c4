import { spawn, type ChildProcess } from 'node:child_process'
import type { CognitoAuthOptions } from '../../lib/index.js'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorClient, type EmulatorOptions } from '../../lib/testing/index.js'
import { freePort, SECRET } from './app.js'
import { startRedis, type TestRedis } from './redis-server.js'

interface TestContext { after: (fn: () => Promise<void> | void) => void }

/** An app instance in a child process. */
export interface Instance {
  url: string
  port: number
  /** Whether the process is still running (no crash). */
  alive: () => boolean
  stop: () => Promise<void>
}

/** Starts `instance.js` on `port` with the plugin options (and a Redis client on `redisUrl`); stopped by pid at the end. */
export async function startInstance (t: TestContext, port: number, options: CognitoAuthOptions, redisUrl?: string): Promise<Instance> {
  const entry = new URL('./instance.js', import.meta.url).pathname
  const child: ChildProcess = spawn(process.execPath, [entry, JSON.stringify({ port, redisUrl, options })], { stdio: ['ignore', 'pipe', 'inherit'] })
  let line = ''
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    line += String(chunk)
    if (line.includes('\n')) break
  }
  if (!line.includes('\n')) throw new Error(`instance on port ${port} did not start`)
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(child.pid as number, 'SIGTERM')
    await exited
  }
  t.after(stop)
  return { url: `http://127.0.0.1:${port}`, port, alive: () => child.exitCode === null && child.signalCode === null, stop }
}

export interface Cluster {
  idp: CognitoEmulator
  redis: TestRedis
  instances: Instance[]
  /** The options every instance runs with (for restarting one). */
  options: CognitoAuthOptions
  ports: number[]
}

/** The emulator in this process, one redis-server, and `count` app instances sharing them (each in its own process). */
export async function startCluster (t: TestContext, setup: { count?: number, options?: Partial<CognitoAuthOptions>, client?: Partial<EmulatorClient>, emulator?: EmulatorOptions } = {}): Promise<Cluster> {
  const ports = await Promise.all(Array.from({ length: setup.count ?? 3 }, async () => await freePort()))
  const client: EmulatorClient = {
    clientId: 'testclient',
    clientSecret: 'test-client-secret-0123456789abcdefghijklmnop',
    callbackUrls: ports.map((p) => `http://127.0.0.1:${p}/postlogin`),
    logoutUrls: ports.map((p) => `http://127.0.0.1:${p}/postlogout`),
    ...setup.client
  }
  const idp = await startCognitoEmulator({ ...setup.emulator, clients: [client] })
  t.after(() => idp.close())
  const redis = await startRedis(t)
  // Every instance names the first one as its redirect URL, as instances behind one load balancer share one public URL.
  const options: CognitoAuthOptions = {
    ...idp.pluginOptions('testclient'),
    secret: SECRET,
    redirectUrl: `http://127.0.0.1:${ports[0] as number}/postlogin`,
    logoutUrl: `http://127.0.0.1:${ports[0] as number}/postlogout`,
    ...setup.options
  }
  const instances = await Promise.all(ports.map(async (port) => await startInstance(t, port, options, redis.url)))
  return { idp, redis, instances, options, ports }
}
