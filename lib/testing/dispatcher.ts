import { Agent, type Dispatcher } from 'undici'
import { LOOPBACK } from './hosts.js'

type Headers = Dispatcher.DispatchOptions['headers']

/** The request's headers with `host` set to the name it was addressed to, whatever shape undici gave them in. */
function withHost (headers: Headers, host: string): Headers {
  if (headers === undefined || headers === null) return { host }
  if (Array.isArray(headers)) {
    const flat: string[] = []
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() !== 'host') flat.push(headers[i] as string, headers[i + 1] as string)
    return [...flat, 'host', host]
  }
  const entries = Symbol.iterator in headers ? [...(headers as Iterable<[string, string | string[] | undefined]>)] : Object.entries(headers)
  return Object.fromEntries([...entries.filter(([name]) => name.toLowerCase() !== 'host'), ['host', host]])
}

/**
 * An undici Agent that takes requests for the pool's Cognito hosts to the emulator's loopback port (keeping their Host
 * header, so the emulator knows which host was asked), lets loopback through, and refuses every other origin, so a
 * test can never reach AWS.
 */
export class EmulatorDispatcher extends Agent {
  constructor (private readonly routes: Map<string, string>, private readonly target: string) {
    super()
  }

  override dispatch (options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = new URL(String(options.origin))
    const host = this.routes.get(origin.origin)
    if (host !== undefined) return super.dispatch({ ...options, origin: this.target, headers: withHost(options.headers, host) }, handler)
    if (LOOPBACK.test(origin.hostname)) return super.dispatch(options, handler)
    throw new Error(`the Cognito emulator's dispatcher does not go to ${origin.origin}`)
  }
}
