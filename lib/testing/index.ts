/**
 * A local AWS Cognito user pool for tests and development: hosted UI, OAuth2 endpoints, JWKS, users, groups and faults.
 * It shares no code with the plugin, so a misreading of Cognito cannot hide on both sides.
 * @packageDocumentation
 */
export { startCognitoEmulator, type CognitoEmulator, type EmulatorPluginOptions } from './server.js'
export { demoClient, demoPassword, demoUsers, DEFAULT_SCOPES, type EmulatorClient, type EmulatorOAuthFlow, type EmulatorOptions, type EmulatorUser } from './config.js'
export type { TokenFault } from './pool.js'
export type { TokenSet } from './tokens.js'
