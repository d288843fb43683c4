import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import cognitoAuth, { optionsFromEnv, type CognitoAuthOptions } from '../../lib/index.js'
import { register } from '../helpers/register.js'

const valid: CognitoAuthOptions = {
  secret: 'a-session-secret-that-is-long-enough-0123456789',
  region: 'eu-west-1',
  domain: 'https://myapp.auth.eu-west-1.amazoncognito.com',
  userPoolId: 'eu-west-1_AbC123',
  clientId: '4lln66726pp3f4gi1krj0sta9h',
  clientSecret: 'shh',
  redirectUrl: 'https://app.example.com/postlogin',
  logoutUrl: 'https://app.example.com/postlogout'
}

test('valid options register; every bad one fails ready() with FST_COGNITO_INVALID_OPTION naming it', async () => {
  assert.equal(await register(valid), undefined)
  const cases: Array<[Partial<Record<keyof CognitoAuthOptions, unknown>>, string]> = [
    [{ secret: undefined }, 'secret'],
    [{ secret: 'short' }, 'secret'],
    [{ secret: [] }, 'secret'],
    [{ secret: [valid.secret, 42] }, 'secret'],
    [{ region: undefined }, 'region'],
    [{ region: 'Europe' }, 'region'],
    [{ userPoolId: 'nope' }, 'userPoolId'],
    [{ userPoolId: 'us-east-1_AbC123' }, 'userPoolId'],
    [{ clientId: '' }, 'clientId'],
    [{ clientId: 'has spaces' }, 'clientId'],
    [{ clientSecret: '' }, 'clientSecret'],
    [{ domain: undefined }, 'domain'],
    [{ domain: 'http://auth.example.com' }, 'domain'],
    [{ redirectUrl: 'not a url' }, 'redirectUrl'],
    [{ redirectUrl: 'http://app.example.com/postlogin' }, 'redirectUrl'],
    [{ logoutUrl: undefined }, 'logoutUrl'],
    [{ redirectUrl: 'https://app.example.com/login' }, 'redirectUrl'],
    [{ logoutUrl: 'https://app.example.com/postlogin' }, 'logoutUrl'],
    [{ loginPath: '/postlogin' }, 'redirectUrl'],
    [{ loginPath: 'login' }, 'loginPath'],
    [{ loginPath: '//evil.example' }, 'loginPath'],
    [{ logoutPath: '/out?x=1' }, 'logoutPath'],
    [{ logoutPath: '/login' }, 'logoutPath'],
    [{ routes: 'no' }, 'routes'],
    [{ cookieMaxAge: 0 }, 'cookieMaxAge'],
    [{ cookieMaxAge: 1.5 }, 'cookieMaxAge'],
    [{ cookieMaxAge: Number('abc') }, 'cookieMaxAge'],
    [{ expirationLeeway: -1 }, 'expirationLeeway'],
    [{ cookieSameSite: 'sometimes' }, 'cookieSameSite'],
    [{ cookieDomain: 'bad domain' }, 'cookieDomain'],
    [{ cookieSecure: false }, 'cookieSecure'],
    [{ cookieSecure: 'no' }, 'cookieSecure'],
    [{ issuer: 'ftp://x' }, 'issuer'],
    [{ scopes: 'openid' }, 'scopes'],
    [{ redis: 'redis://127.0.0.1:6379' }, 'redis'],
    [{ redis: { call: () => {} } }, 'redis'],
    [{ redisUrl: 'redis://127.0.0.1:6379' }, 'redis'],
    [{ sessions: 'server' }, 'sessions'],
    [{ sessions: 'database' }, 'sessions'],
    [{ redisPrefix: 'has spaces' }, 'redisPrefix'],
    [{ revocationCheck: 0 }, 'revocationCheck'],
    [{ revocationCheck: 1.5 }, 'revocationCheck'],
    [{ tokenCacheSize: 10 }, 'tokenCacheSize'],
    [{ scopes: ['open id'] }, 'scopes'],
    [{ afterLogin: '//evil.example' }, 'afterLogin'],
    [{ afterLogout: 'https://evil.example' }, 'afterLogout'],
    [{ requestTimeout: 0 }, 'requestTimeout'],
    [{ dispatcher: {} }, 'dispatcher'],
    [{ allowedClientIds: 'partner' }, 'allowedClientIds'],
    [{ allowedClientIds: ['bad id'] }, 'allowedClientIds'],
    [{ refreshFlow: 'yes' }, 'refreshFlow'],
    [{ refreshCookieMaxAge: 0 }, 'refreshCookieMaxAge'],
    [{ bearerTokens: 1 }, 'bearerTokens'],
    [{ exposeTokens: 'yes' }, 'exposeTokens'],
    [{ authorizeParams: 'lang=fr' }, 'authorizeParams'],
    [{ authorizeParams: { redirect_uri: 'https://evil.example' } }, 'authorizeParams'],
    [{ authorizeParams: { lang: 1 } }, 'authorizeParams'],
    [{ disabled: 'maybe' }, 'disabled'],
    [{ disabledIdentity: 'root' }, 'disabledIdentity'],
    [{ disabledIdentity: { groups: 'admin' } }, 'disabledIdentity']
  ]
  for (const [change, name] of cases) {
    const err = await register({ ...valid, ...change }) as Error & { code?: string }
    assert.equal(err?.code, 'FST_COGNITO_INVALID_OPTION', JSON.stringify(change))
    assert.match(err.message, new RegExp(`^Invalid option ${name}:`), JSON.stringify(change))
  }
  assert.equal((await register(null) as Error & { code: string }).code, 'FST_COGNITO_INVALID_OPTION')
  assert.equal((await register('options') as Error & { code: string }).code, 'FST_COGNITO_INVALID_OPTION')
})

test('SameSite=None needs Secure; plain http is allowed only on loopback, where Secure may be off', async () => {
  const local = { ...valid, redirectUrl: 'http://localhost:5000/postlogin', logoutUrl: 'http://localhost:5000/postlogout' }
  assert.equal(await register({ ...local, cookieSecure: false }), undefined)
  assert.match(String(await register({ ...local, cookieSameSite: 'none' })), /cookieSameSite/)
  assert.equal(await register({ ...local, cookieSameSite: 'none', cookieSecure: true }), undefined)
})

test('the domain may be a URL, a host, or a prefix', async () => {
  for (const domain of ['myapp', 'auth.example.com', 'https://auth.example.com/', 'http://127.0.0.1:9000']) {
    const app = Fastify()
    await app.register(cognitoAuth, { ...valid, domain })
    const res = await app.inject('/logout')
    const expected = {
      myapp: 'https://myapp.auth.eu-west-1.amazoncognito.com',
      'auth.example.com': 'https://auth.example.com',
      'https://auth.example.com/': 'https://auth.example.com',
      'http://127.0.0.1:9000': 'http://127.0.0.1:9000'
    }[domain]
    assert.ok(String(res.headers.location).startsWith(`${expected}/logout?`), domain)
    await app.close()
  }
})

test('optionsFromEnv reads the seed names and the later ones; empty values count as unset', () => {
  const env = {
    SECRET_KEY: valid.secret as string,
    AWS_REGION: 'eu-west-1',
    AWS_COGNITO_DOMAIN: 'https://myapp.auth.eu-west-1.amazoncognito.com',
    AWS_COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
    AWS_COGNITO_USER_POOL_CLIENT_ID: 'client',
    AWS_COGNITO_USER_POOL_CLIENT_SECRET: 'secret',
    AWS_COGNITO_REDIRECT_URL: 'https://app.example.com/postlogin',
    AWS_COGNITO_LOGOUT_URL: 'https://app.example.com/postlogout',
    AWS_COGNITO_COOKIE_AGE_SECONDS: '600',
    AWS_COGNITO_ISSUER: 'http://127.0.0.1:9000/eu-west-1_AbC123',
    AWS_COGNITO_SCOPES: 'openid, email  profile',
    AWS_COGNITO_EXPIRATION_LEEWAY: '5',
    AWS_COGNITO_COOKIE_DOMAIN: 'example.com',
    AWS_COGNITO_COOKIE_SAMESITE: 'Strict',
    REDIS_URL: 'redis://127.0.0.1:6379/0'
  }
  assert.deepEqual(optionsFromEnv(env), {
    secret: valid.secret,
    region: 'eu-west-1',
    domain: 'https://myapp.auth.eu-west-1.amazoncognito.com',
    userPoolId: 'eu-west-1_AbC123',
    clientId: 'client',
    clientSecret: 'secret',
    redirectUrl: 'https://app.example.com/postlogin',
    logoutUrl: 'https://app.example.com/postlogout',
    cookieMaxAge: 600,
    issuer: 'http://127.0.0.1:9000/eu-west-1_AbC123',
    scopes: ['openid', 'email', 'profile'],
    expirationLeeway: 5,
    cookieDomain: 'example.com',
    cookieSameSite: 'strict',
    redisUrl: 'redis://127.0.0.1:6379/0'
  })
  const minimal = optionsFromEnv({ ...env, AWS_COGNITO_USER_POOL_CLIENT_SECRET: '', AWS_COGNITO_COOKIE_AGE_SECONDS: '', AWS_COGNITO_SCOPES: undefined, AWS_COGNITO_ISSUER: undefined, AWS_COGNITO_EXPIRATION_LEEWAY: undefined, AWS_COGNITO_COOKIE_DOMAIN: undefined, AWS_COGNITO_COOKIE_SAMESITE: undefined, REDIS_URL: '' })
  assert.deepEqual(Object.keys(minimal).sort(), ['clientId', 'domain', 'logoutUrl', 'redirectUrl', 'region', 'secret', 'userPoolId'])
})

test('optionsFromEnv defaults to process.env, and missing names fail registration naming the option', async () => {
  const saved = process.env.AWS_REGION
  process.env.AWS_REGION = 'ap-south-1'
  try {
    assert.equal(optionsFromEnv().region, 'ap-south-1')
  } finally {
    if (saved === undefined) delete process.env.AWS_REGION
    else process.env.AWS_REGION = saved
  }
  assert.match(String(await register(optionsFromEnv({}))), /Invalid option region/)
})

test('GET /login redirects to the Hosted UI with every parameter, PKCE S256, and the scopes asked for', async () => {
  const app = Fastify()
  await app.register(cognitoAuth, { ...valid, scopes: ['openid', 'email'] })
  const res = await app.inject('/login')
  assert.equal(res.statusCode, 302)
  assert.equal(res.headers['cache-control'], 'no-store')
  const location = new URL(String(res.headers.location))
  assert.equal(`${location.origin}${location.pathname}`, 'https://myapp.auth.eu-west-1.amazoncognito.com/oauth2/authorize')
  const q = location.searchParams
  assert.equal(q.get('response_type'), 'code')
  assert.equal(q.get('client_id'), valid.clientId)
  assert.equal(q.get('redirect_uri'), valid.redirectUrl)
  assert.equal(q.get('scope'), 'openid email')
  assert.equal(q.get('code_challenge_method'), 'S256')
  assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/)
  assert.match(q.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/)
  assert.match(q.get('nonce') ?? '', /^[A-Za-z0-9_-]{43}$/)
  // https, no cookieDomain: the browser enforces the __Host- prefix, so the cookies carry it.
  assert.ok(String(res.headers['set-cookie']).startsWith('__Host-cognito-session='))
  const again = new URL(String((await app.inject('/login')).headers.location)).searchParams
  assert.notEqual(again.get('state'), q.get('state'))
  assert.notEqual(again.get('code_challenge'), q.get('code_challenge'))
  await app.close()
})

test('the plugin reuses an @fastify/cookie the app registered', async () => {
  const app = Fastify()
  await app.register((await import('@fastify/cookie')).default)
  await app.register(cognitoAuth, valid)
  assert.equal((await app.inject('/login')).statusCode, 302)
  await app.close()
})
