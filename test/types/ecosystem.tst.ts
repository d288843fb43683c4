import Fastify from 'fastify'
import { expect, test } from 'tstyche'
import cognitoAuth, { ClientCredentialsRefusedError, optionsFromEnv, type CognitoAccessClaims, type CognitoApi, type CognitoUserInfo } from 'fastify-cognito-auth'

const options = optionsFromEnv({})

test('app.cognito.clientCredentials resolves to the access token and takes a scope list', () => {
  const app = Fastify()
  // As declared: another test file augments CognitoUserInfo, so the defaults are not the same type.
  expect(app.cognito).type.toBe<CognitoApi<CognitoAccessClaims, CognitoUserInfo>>()
  expect(app.cognito.clientCredentials({ scopes: ['orders/read'] })).type.toBe<Promise<string>>()
  expect(app.cognito.clientCredentials).type.toBeCallableWith()
  expect(app.cognito.clientCredentials).type.not.toBeCallableWith({ scopes: 'orders/read' })
  expect(new ClientCredentialsRefusedError('invalid_scope').code).type.toBe<'FST_COGNITO_CLIENT_CREDENTIALS_REFUSED'>()
})

test('machineClient needs both the id and the secret', () => {
  const app = Fastify()
  expect(app.register).type.toBeCallableWith(cognitoAuth, { ...options, machineClient: { clientId: 'm2m', clientSecret: 's' } })
  expect(app.register).type.not.toBeCallableWith(cognitoAuth, { ...options, machineClient: { clientId: 'm2m' } })
})
