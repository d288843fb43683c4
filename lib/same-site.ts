import type { FastifyRequest } from 'fastify'

/**
 * Whether a request comes from another site, by what browsers send: `Sec-Fetch-Site: cross-site`, or an `Origin`
 * (`null` included) that is neither the request's own origin nor the app's (`appOrigin`, from `redirectUrl`).
 * Requests without either header (old browsers, scripts) are taken as same-site: they carry no victim's cookies
 * through a third-party page anyway.
 */
export function isCrossSite (request: FastifyRequest, appOrigin: string): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true
  const origin = request.headers.origin
  if (origin === undefined) return false
  return origin !== appOrigin && origin !== `${request.protocol}://${request.host}`
}
