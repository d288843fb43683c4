import { createServer } from 'node:net'

/** The port PORT names: 5000 when it is unset or empty, 0 for any free one; anything else is refused. */
export function portFromEnv (value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 5000
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (0 for any free one), not ${JSON.stringify(value)}`)
  return port
}

/** A free loopback port: the callback URLs name the app's port before the app listens. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
