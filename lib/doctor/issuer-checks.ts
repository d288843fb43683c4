import { cognitoEndpoints } from '../endpoints.js'
import type { ResolvedOptions } from '../options.js'
import { jsonOf, probe, type Answer } from './probe.js'
import { fail, pass, reason, skip, type CheckResult } from './result.js'

const POOL_FIX = 'check AWS_REGION and AWS_COGNITO_USER_POOL_ID (and AWS_COGNITO_ISSUER when set): the issuer is https://cognito-idp.{region}.amazonaws.com/{userPoolId}'

type Fetched = { answer: Answer } | { error: string }

async function fetched (url: string, options: ResolvedOptions): Promise<Fetched> {
  try {
    return { answer: await probe(url, options) }
  } catch (err) {
    return { error: reason(err) }
  }
}

/** The issuer's discovery document answers and names the configured issuer. */
function issuerCheck (url: string, got: Fetched, issuer: string): CheckResult {
  if ('error' in got) return fail('issuer', got.error, POOL_FIX)
  const document = jsonOf(got.answer)
  if (got.answer.status !== 200 || document === undefined) {
    return fail('issuer', `${url} answered ${got.answer.status}${document === undefined ? ', not JSON' : ''}: no user pool there`, POOL_FIX)
  }
  if (document.issuer !== issuer) {
    return fail('issuer', `the discovery document names issuer ${String(document.issuer)}, not ${issuer}: every token would be refused`,
      `set AWS_COGNITO_ISSUER to ${String(document.issuer)}, or correct AWS_REGION and AWS_COGNITO_USER_POOL_ID`)
  }
  return pass('issuer', `${issuer} answers its discovery document`)
}

/** The JWKS answers with at least one RS256 signing key. */
function jwksCheck (url: string, got: Fetched): CheckResult {
  if ('error' in got) return fail('jwks', got.error, POOL_FIX)
  const keys = jsonOf(got.answer)?.keys
  if (got.answer.status !== 200 || !Array.isArray(keys)) {
    return fail('jwks', `${url} answered ${got.answer.status} without a key set: no token can be verified`, POOL_FIX)
  }
  const signing = keys.filter((key: { kty?: unknown, alg?: unknown, use?: unknown }) =>
    key?.kty === 'RSA' && (key.alg ?? 'RS256') === 'RS256' && (key.use ?? 'sig') === 'sig')
  if (signing.length === 0) return fail('jwks', `${url} has no RS256 signing key: Cognito tokens cannot be verified with it`, POOL_FIX)
  return pass('jwks', `${signing.length} RS256 signing keys at ${url}`)
}

/** This machine's clock against the IdP's `Date` header: beyond `expirationLeeway`, fresh tokens look issued in the future or expire early. */
function clockCheck (answers: Fetched[], leeway: number): CheckResult {
  const answer = answers.map((got) => 'answer' in got ? got.answer : undefined).find((a) => a?.date !== undefined)
  if (answer?.date === undefined) return skip('clock', 'no answer from the issuer carried a Date header')
  // Date has whole seconds: its middle is half a second later.
  const skew = Math.round((answer.date + 500 - answer.midpoint) / 1000)
  const between = skew === 0 ? 'the IdP\'s clock agrees with this machine\'s' : `the IdP's clock is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} this machine's`
  // One second more than the leeway: the header's resolution.
  if (Math.abs(skew) <= leeway + 1) return pass('clock', `${between} (expirationLeeway ${leeway} s)`)
  return fail('clock', `${between}, more than expirationLeeway (${leeway} s): tokens look ${skew > 0 ? 'issued in the future' : 'expired early'} and logins fail`,
    `synchronise this machine's clock (NTP), or set AWS_COGNITO_EXPIRATION_LEEWAY to at least ${Math.abs(skew)}`)
}

/** The user pool side: discovery document and issuer, JWKS, and the clock. */
export async function issuerChecks (options: ResolvedOptions): Promise<CheckResult[]> {
  const discoveryUrl = `${options.issuer}/.well-known/openid-configuration`
  const jwksUrl = cognitoEndpoints(options).jwks.href
  const [discovery, jwks] = await Promise.all([fetched(discoveryUrl, options), fetched(jwksUrl, options)])
  return [issuerCheck(discoveryUrl, discovery, options.issuer), jwksCheck(jwksUrl, jwks), clockCheck([jwks, discovery], options.expirationLeeway)]
}
