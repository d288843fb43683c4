import type { EmulatorOptions } from './config.js'

/** Which part of Cognito a request's Host names: its issuer host, its hosted-UI domain, or this machine (everything). */
export type HostRole = 'issuer' | 'domain' | 'local'

/** The pool's public URLs and the Host names it answers for. */
export interface PoolHosts {
  domain: string
  issuer: string
  /** `https://` origin → Host header, for the routes `idp.dispatcher()` takes to the loopback port. */
  routes: Map<string, string>
  /** The role of a request's Host header; undefined for a host this pool does not serve (DNS rebinding). */
  role: (hostHeader: string | undefined) => HostRole | undefined
}

/** Loopback host names, as URL hostnames spell them. */
export const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

const hostname = (host: string): string | undefined => {
  try {
    return new URL(`http://${host}`).hostname
  } catch {
    return undefined
  }
}

/** The URLs of a pool listening at `origin`: its own, or in `'aws'` mode Cognito's real issuer and domain. */
export function poolHosts (options: EmulatorOptions, region: string, userPoolId: string, origin: string): PoolHosts {
  const configured = options.host === undefined ? undefined : hostname(options.host.includes(':') ? `[${options.host}]` : options.host)
  const aws = options.hosts === 'aws'
  const issuerHost = `cognito-idp.${region}.amazonaws.com`
  const domainHost = `${options.domainPrefix ?? 'emulator'}.auth.${region}.amazoncognito.com`
  const domain = aws ? `https://${domainHost}` : origin
  return {
    domain,
    issuer: `${aws ? `https://${issuerHost}` : origin}/${userPoolId}`,
    routes: new Map(aws ? [[`https://${issuerHost}`, issuerHost], [domain, domainHost]] : []),
    role (hostHeader) {
      const name = hostHeader === undefined ? undefined : hostname(hostHeader)
      if (name === undefined) return undefined
      if (LOOPBACK.test(name) || name === configured) return 'local'
      if (aws && name === issuerHost) return 'issuer'
      if (aws && name === domainHost) return 'domain'
      return undefined
    }
  }
}
