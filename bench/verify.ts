/** RS256 verifications per second: this package's verification path against aws-jwt-verify, on the same tokens and keys. */
import { performance } from 'node:perf_hooks'
import { JwtRsaVerifier } from 'aws-jwt-verify'
import { AccessTokens } from '../lib/access-tokens.js'
import { CognitoVerifier } from '../lib/verifier.js'
import { startCognitoEmulator } from '../lib/testing/index.js'

export interface VerifyRound { oursCold: number, awsCold: number, oursWarm: number, awsWarm: number }

const opsPerSecond = async (count: number, run: (i: number) => unknown): Promise<number> => {
  const started = performance.now()
  for (let i = 0; i < count; i++) await run(i)
  return count / ((performance.now() - started) / 1000)
}

/** One round: `count` distinct tokens verified once each (cold), then one token `count` times (warm). */
export async function verifyRounds (rounds: number, count = 3000): Promise<VerifyRound[]> {
  const idp = await startCognitoEmulator({ accessTokenTtl: 24 * 3600 })
  try {
    const clientId = idp.clients[0]?.clientId as string
    const clients = new Set([clientId])
    const jwks = await (await fetch(idp.jwksUri)).json()
    const results: VerifyRound[] = []
    for (let r = 0; r < rounds; r++) {
      const tokens = Array.from({ length: count }, () => idp.issueTokens({ username: 'alice' }).access_token)
      // A fresh verifier per round, its JWKS fetched before timing starts, as in a running server.
      const ours = new AccessTokens(new CognitoVerifier({ issuer: idp.issuer, clientId, jwksUri: new URL(idp.jwksUri), leeway: 0, timeout: 5000 }), { clientId, leeway: 0, refreshLifetime: 86400 })
      await ours.claims(idp.issueTokens({ username: 'bob' }).access_token, clients)
      const aws = JwtRsaVerifier.create({ issuer: idp.issuer, audience: null, jwksUri: idp.jwksUri, customJwtCheck: ({ payload }) => { if (payload.client_id !== clientId) throw new Error('client') } })
      aws.cacheJwks(jwks as never)
      const warm = tokens[0] as string
      results.push({
        oursCold: await opsPerSecond(count, async (i) => await ours.claims(tokens[i] as string, clients)),
        awsCold: await opsPerSecond(count, (i) => aws.verifySync(tokens[i] as string)),
        oursWarm: await opsPerSecond(count * 10, async () => await ours.claims(warm, clients)),
        awsWarm: await opsPerSecond(count, () => aws.verifySync(warm))
      })
    }
    return results
  } finally {
    await idp.close()
  }
}
