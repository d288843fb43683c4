import { expect, test } from 'tstyche'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorOptions, type TokenSet } from 'fastify-cognito-auth/testing'
import type { Dispatcher } from 'undici'

test('startCognitoEmulator takes options and resolves to an emulator', () => {
  expect(startCognitoEmulator()).type.toBe<Promise<CognitoEmulator>>()
  expect(startCognitoEmulator({ port: 0, users: [{ username: 'u', password: 'p', groups: ['g'] }] })).type.toBe<Promise<CognitoEmulator>>()
  expect(startCognitoEmulator).type.not.toBeCallableWith({ users: [{ username: 'u' }] })
  expect(startCognitoEmulator).type.not.toBeCallableWith({ port: '0' })
})

test('the emulator exposes its URLs, levers and minted tokens', () => {
  const idp = {} as CognitoEmulator
  expect(idp.domain).type.toBe<string>()
  expect(idp.issueTokens({ username: 'alice' })).type.toBe<TokenSet>()
  expect(idp.setTokenFault).type.toBeCallableWith({ status: 500, delayMs: 10 })
  expect(idp.setTokenFault).type.toBeCallableWith(null)
  expect(idp.setTokenFault).type.not.toBeCallableWith({ status: '500' })
  expect<EmulatorOptions['clients']>().type.toBe<import('fastify-cognito-auth/testing').EmulatorClient[] | undefined>()
})

test('the aws hosts mode, its dispatcher, and Cognito-named client settings', () => {
  expect(startCognitoEmulator).type.toBeCallableWith({ hosts: 'aws', domainPrefix: 'shop', usernameAttributes: ['email'], caseSensitive: false })
  expect(startCognitoEmulator).type.not.toBeCallableWith({ hosts: 'amazon' })
  expect(startCognitoEmulator).type.not.toBeCallableWith({ clients: [{ clientId: 'c', callbackUrls: [], logoutUrls: [], allowedOAuthFlows: ['implicit'] }] })
  const idp = {} as CognitoEmulator
  expect(idp.dispatcher()).type.toBe<Dispatcher>()
  expect(idp.pluginOptions().dispatcher).type.toBe<Dispatcher | undefined>()
  expect(idp.stored.refreshTokens).type.toBe<number>()
})
