import Fastify, { type FastifyReply, type FastifyRequest, type preHandlerAsyncHookHandler, type preHandlerHookHandler } from 'fastify'
import { Redis } from 'ioredis'
import { expect, test } from 'tstyche'
import cognitoAuth, { ForbiddenError, optionsFromEnv, UnauthenticatedError, type CognitoAuthOptions, type CognitoIdentity, type CognitoUserInfo } from 'fastify-cognito-auth'

declare module 'fastify-cognito-auth' {
  interface CognitoUserInfo {
    'custom:tenant': string
  }
}

const options: CognitoAuthOptions = {
  secret: 'x'.repeat(32),
  region: 'eu-west-1',
  domain: 'myapp',
  userPoolId: 'eu-west-1_abc',
  clientId: 'client',
  redirectUrl: 'https://app.example.com/postlogin',
  logoutUrl: 'https://app.example.com/postlogout'
}

test('register takes CognitoAuthOptions, or optionsFromEnv()', () => {
  const app = Fastify()
  expect(app.register).type.toBeCallableWith(cognitoAuth, options)
  expect(app.register).type.toBeCallableWith(cognitoAuth, optionsFromEnv())
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...options, cookieSameSite: 'sometimes' })
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...options, region: undefined })
  expect(app.register).type.toBeCallableWith(cognitoAuth, { ...options, refreshFlow: true, allowedClientIds: ['x'], authorizeParams: { lang: 'fr' } })
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...options, authorizeParams: { redirect_uri: 'x' } })
  expect(optionsFromEnv).type.toBeCallableWith({ AWS_REGION: 'eu-west-1' })
})

test('app.authRequired returns a preHandler and checks its options', () => {
  const app = Fastify()
  expect(app.authRequired()).type.toBe<preHandlerHookHandler>()
  expect(app.authRequired).type.toBeCallableWith({ groups: ['admin'], anyGroup: true })
  expect(app.authRequired).type.toBeCallableWith({ scopes: ['orders/read'] })
  expect(app.authOptional()).type.toBe<preHandlerAsyncHookHandler>()
  expect(app.authRequired).type.not.toBeCallableWith({ groups: 'admin' })
  expect(app.authRequired).type.not.toBeCallableWith({ role: 'admin' })
})

test('request.cognito needs no casts, and augmented user info is typed', () => {
  const request = {} as FastifyRequest
  expect(request.cognito.username).type.toBe<string>()
  expect(request.cognito.groups).type.toBe<string[]>()
  expect(request.cognito.claims.client_id).type.toBe<string>()
  expect(request.cognito.claims['cognito:groups']).type.toBe<string[] | undefined>()
  expect(request.cognito.userInfo['custom:tenant']).type.toBe<string>()
  expect(request.cognito.userInfo.email).type.toBe<string | undefined>()
  expect(request.cognito).type.toBeAssignableTo<CognitoIdentity<unknown, unknown>>()
  expect(request.cognito.fetchUserInfo()).type.toBe<Promise<CognitoUserInfo>>()
  expect(request.cognito.accessToken).type.toBe<string | undefined>()
})

test('errors are constructors with stable codes and statuses', () => {
  expect(new UnauthenticatedError().code).type.toBe<'FST_COGNITO_UNAUTHENTICATED'>()
  expect(new ForbiddenError().statusCode).type.toBe<403>()
})

test('redis takes an ioredis client as given, sessions needs one of two words, app.cognito.endSessions takes a sub', () => {
  const app = Fastify()
  const redis = new Redis({ lazyConnect: true })
  expect(app.register).type.toBeCallableWith(cognitoAuth, { ...options, redis })
  expect(app.register).type.toBeCallableWith(cognitoAuth, { ...options, redis, sessions: 'server', revocationCheck: 60, tokenCacheSize: 100_000, redisPrefix: 'app:' })
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...options, redis: 'redis://localhost:6379' })
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...options, redis, sessions: 'database' })
  expect(app.cognito.endSessions).type.toBeCallableWith('sub')
  expect(app.cognito.endSessions('sub')).type.toBe<Promise<void>>()
})

test('hooks see the augmented user info, and the flow calls are typed', () => {
  const app = Fastify()
  expect(app.register).type.toBeCallableWith(cognitoAuth, {
    ...options,
    onLogin: async (_request: FastifyRequest, _reply: FastifyReply, { identity, tokens }: Parameters<NonNullable<CognitoAuthOptions['onLogin']>>[2]) => {
      expect(identity.userInfo['custom:tenant']).type.toBe<string>()
      expect(identity.returnTo).type.toBe<string | undefined>()
      expect(tokens.accessToken).type.toBe<string>()
      return '/admin'
    },
    onLogout: (_request: FastifyRequest, _reply: FastifyReply, { identity }: Parameters<NonNullable<CognitoAuthOptions['onLogout']>>[2]) => { expect(identity?.userInfo['custom:tenant']).type.toBe<string | undefined>() },
    onRefresh: () => undefined,
    loginPath: '/auth/signin',
    routes: false
  })
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...options, onLogin: 'yes' })
  expect(app.authRequired).type.toBeCallableWith({ maxAuthAge: 300 })
  expect(app.authRequired).type.not.toBeCallableWith({ maxAuthAge: '300' })
  const request = {} as FastifyRequest
  const reply = {} as FastifyReply
  expect(app.cognito.login(request, reply, { returnTo: '/x', authorizeParams: { identity_provider: 'Google' } })).type.toBe<FastifyReply>()
  expect(app.cognito.login).type.not.toBeCallableWith(request, reply, { authorizeParams: { redirect_uri: 'x' } })
  expect(app.cognito.logout(request, reply)).type.toBe<Promise<string>>()
})

test('app.cognito.callback resolves to the typed identity with its returnTo', async () => {
  const app = Fastify()
  const user = await app.cognito.callback({} as FastifyRequest, {} as FastifyReply)
  expect(user.userInfo['custom:tenant']).type.toBe<string>()
  expect(user.returnTo).type.toBe<string | undefined>()
  expect(user.groups).type.toBe<string[]>()
})
