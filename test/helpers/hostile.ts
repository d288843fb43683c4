import { createServer, type Server } from 'node:http'
import { Agent, type Dispatcher } from 'undici'

export interface Hostile {
  /** Base URL of the server, e.g. `http://127.0.0.1:1234`. */
  url: string
  /** Requests it answered, by path. */
  hits: Map<string, number>
  /** What it answers for a path from now on: status and body (JSON as given). */
  answer: (path: string, status: number, body: string) => void
  close: () => Promise<void>
}

/** A real HTTP server on loopback that answers whatever a test tells it: an IdP that misbehaves on purpose. */
export async function startHostile (t: { after: (fn: () => Promise<void>) => void }): Promise<Hostile> {
  const answers = new Map<string, { status: number, body: string }>()
  const hits = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const answer = answers.get(path) ?? { status: 404, body: '{"error":"not_found"}' }
    req.resume()
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const hostile: Hostile = {
    url: `http://127.0.0.1:${port}`,
    hits,
    answer: (path, status, body) => { answers.set(path, { status, body }) },
    close: async () => { await new Promise((resolve) => server.close(resolve)) }
  }
  t.after(hostile.close)
  return hostile
}

/** A dispatcher that sends requests whose path starts with one of `paths` to `origin` instead: one endpoint misbehaves, the rest is the real emulator. */
export function divert (paths: string[], origin: string): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) =>
    dispatch(paths.some((p) => (opts.path ?? '').startsWith(p)) ? { ...opts, origin } : opts, handler))
}
