import { randomBytes } from 'node:crypto'
import type { Endpoints } from '../endpoints.js'
import type { ResolvedOptions } from '../options.js'
import { TokenClient } from '../token-client.js'
import { fail, pass, reason, type CheckResult } from './result.js'

/** At most the last 4 characters of a secret, and none of a short one. */
export const secretHint = (secret: string): string => secret.length >= 16 ? `…${secret.slice(-4)}` : '…'

type Outcome = 'authenticated' | 'invalid_client' | 'unauthorized_client' | { other: string }

/**
 * Redeems a made-up code with the plugin's own token client: `invalid_grant` means the client authenticated
 * (only the code was wrong), `invalid_client` that it did not. No user is logged in and no token is issued.
 */
async function redeemDummyCode (options: ResolvedOptions, endpoints: Endpoints, clientSecret: string | undefined): Promise<Outcome> {
  const { clientId, requestTimeout: timeout, dispatcher, redirectUrl } = options
  const client = new TokenClient({ endpoints, clientId, clientSecret, timeout, dispatcher })
  const random = randomBytes(48).toString('base64url')
  try {
    await client.exchangeCode(`doctor-${random.slice(0, 16)}`, random, redirectUrl.href)
    return { other: 'the token endpoint accepted a made-up code' }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_COGNITO_CODE_REJECTED') return 'authenticated'
    const error = /token endpoint status 400 (invalid_client|unauthorized_client)$/.exec((err as Error).message)?.[1]
    return error === 'invalid_client' || error === 'unauthorized_client' ? error : { other: reason(err) }
  }
}

/** The client secret is right, or the client is public as configured: the token endpoint tells them apart without a login. */
export async function secretCheck (options: ResolvedOptions, endpoints: Endpoints): Promise<CheckResult> {
  const { clientSecret, clientId } = options
  const outcome = await redeemDummyCode(options, endpoints, clientSecret)
  const held = clientSecret === undefined ? 'as a public client (no secret)' : `with the client secret ${secretHint(clientSecret)}`
  if (outcome === 'authenticated') return pass('secret', `the token endpoint accepts app client ${clientId} ${held}`)
  if (outcome === 'unauthorized_client') {
    return fail('secret', `app client ${clientId} may not use the authorization code grant (Cognito: unauthorized_client)`,
      'enable "Authorization code grant" in the app client\'s OAuth settings')
  }
  if (outcome !== 'invalid_client') return fail('secret', `the token endpoint did not answer as Cognito does: ${outcome.other}`, 'check AWS_COGNITO_DOMAIN')
  if (clientSecret === undefined) {
    return fail('secret', `app client ${clientId} has a client secret, but none is set (Cognito: invalid_client)`,
      'set AWS_COGNITO_USER_POOL_CLIENT_SECRET to the app client\'s secret (App integration → App client)')
  }
  if (await redeemDummyCode(options, endpoints, undefined) === 'authenticated') {
    return fail('secret', `app client ${clientId} is public (it has no secret), but a client secret (${secretHint(clientSecret)}) is set (Cognito: invalid_client)`,
      'unset AWS_COGNITO_USER_POOL_CLIENT_SECRET')
  }
  return fail('secret', `Cognito refused the client secret ${secretHint(clientSecret)} for app client ${clientId} (invalid_client)`,
    'copy the app client\'s secret again into AWS_COGNITO_USER_POOL_CLIENT_SECRET (App integration → App client → Show client secret)')
}
