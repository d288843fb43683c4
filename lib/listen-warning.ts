import { lookup } from 'node:dns/promises'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const isLoopback = (address: string): boolean => address === '::1' || address.startsWith('127.')
const hostOf = ({ address, family }: { address: string, family: string | number }): string =>
  family === 'IPv6' || family === 6 ? `[${address}]` : address

/**
 * The warning for a loopback `redirectUrl` whose host the app, listening on loopback only, does not listen on:
 * Cognito sends the browser back to an address where nothing answers. Undefined when login can work.
 */
export async function unreachableCallback (redirectUrl: URL, addresses: Array<AddressInfo | string>): Promise<string | undefined> {
  const listening = addresses.filter((a): a is AddressInfo => typeof a === 'object')
  if (!LOOPBACK_HOSTS.has(redirectUrl.hostname) || listening.length === 0 || !listening.every((a) => isLoopback(a.address))) return undefined
  const hosts = new Set(listening.map(hostOf))
  const wanted = redirectUrl.hostname === 'localhost' ? (await lookup('localhost', { all: true })).map(hostOf) : [redirectUrl.hostname]
  if (wanted.some((host) => hosts.has(host))) return undefined
  const at = listening.map((a) => `${hostOf(a)}:${a.port}`).join(', ')
  return `fastify-cognito-auth: redirectUrl ${redirectUrl.href} is on a host the app does not listen on (${at}): ` +
    'Cognito will send browsers back where nothing answers, and a login started on another host ends in FST_COGNITO_INVALID_STATE. ' +
    `Listen on ${redirectUrl.hostname}, or set redirectUrl to the host the app is opened at.`
}

/** Logs {@link unreachableCallback}'s warning once the app listens. */
export function warnOnUnreachableCallback (app: FastifyInstance, redirectUrl: URL): void {
  app.addHook('onListen', async () => {
    const warning = await unreachableCallback(redirectUrl, app.addresses())
    if (warning !== undefined) app.log.warn(warning)
  })
}
