#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { demoPassword, startCognitoEmulator } from './index.js'

const { values } = parseArgs({ options: { port: { type: 'string', default: '5100' }, host: { type: 'string', default: '127.0.0.1' } } })
const idp = await startCognitoEmulator({ port: Number(values.port), host: values.host })
const client = idp.clients[0]
console.log(`Cognito emulator listening
  AWS_COGNITO_DOMAIN=${idp.domain}
  AWS_COGNITO_ISSUER=${idp.issuer}
  AWS_COGNITO_USER_POOL_ID=${idp.userPoolId}
  AWS_COGNITO_USER_POOL_CLIENT_ID=${client?.clientId}
  AWS_COGNITO_USER_POOL_CLIENT_SECRET=${client?.clientSecret ?? ''}
Users (password ${demoPassword}): ${idp.users.map((u) => `${u.username}${u.groups.length > 0 ? ` [${u.groups.join(', ')}]` : ''}`).join(', ')}`)
const stop = (): void => { idp.close().then(() => process.exit(0), () => process.exit(1)) }
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
