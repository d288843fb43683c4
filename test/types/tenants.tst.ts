import Fastify from 'fastify'
import { expect, test } from 'tstyche'
import cognitoAuth, { type CognitoTenantsOptions, type TrustedPoolOptions } from 'fastify-cognito-auth'

const acme = {
  region: 'eu-west-1',
  domain: 'acme',
  userPoolId: 'eu-west-1_acme',
  clientId: 'acmeclient',
  redirectUrl: 'https://acme.example.com/postlogin',
  logoutUrl: 'https://acme.example.com/postlogout'
}

test('register takes trustedPools, and tenants with a tenantOf', () => {
  const app = Fastify()
  const pools: TrustedPoolOptions[] = [{ userPoolId: 'eu-west-1_partner', clientIds: ['partnerclient'] }]
  expect(app.register).type.toBeCallableWith(cognitoAuth, { ...acme, secret: 'x'.repeat(32), trustedPools: pools })
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...acme, secret: 'x'.repeat(32), trustedPools: [{ userPoolId: 'eu-west-1_partner' }] })
  const tenants: CognitoTenantsOptions = { secret: 'x'.repeat(32), tenants: { 'acme.example.com': acme }, tenantOf: (request) => request.hostname }
  expect(app.register).type.toBeCallableWith(cognitoAuth, tenants)
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...tenants, tenants: { acme: { ...acme, secret: 'x' } } })
})

test('request.cognito says which pool the caller comes from; authRequired takes pools', () => {
  const app = Fastify()
  expect(app.authRequired).type.toBeCallableWith({ pools: ['eu-west-1_partner'] })
  app.get('/', { preHandler: app.authRequired() }, async (request) => {
    expect(request.cognito.issuer).type.toBe<string>()
    expect(request.cognito.userPoolId).type.toBe<string>()
  })
  expect(app.cognito.clientCredentials).type.toBeCallableWith({ tenant: 'acme.example.com' })
})
