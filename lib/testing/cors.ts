import type { IncomingMessage, ServerResponse } from 'node:http'

/** Cognito's token endpoint answers any origin (`Access-Control-Allow-Origin: *`), so browser apps can redeem codes with PKCE. */
export const allowAnyOrigin = (res: ServerResponse): void => { res.setHeader('access-control-allow-origin', '*') }

/** OPTIONS /oauth2/token: the CORS preflight a browser sends before a token request with headers beyond the simple ones. */
export function tokenPreflight (_p: unknown, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
    'access-control-max-age': '600'
  })
  res.end()
}
