import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startCognitoEmulator } from '../../lib/testing/index.js'
import { authorizeUrl, Browser, codeOf, signIn } from '../helpers/hosted-ui.js'
import { claimsOf, emulator } from './oauth.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const users = [{ password: 'Passw0rd!', email: 'Dana@Example.com', emailVerified: true, groups: ['admin'] }]

test('a pool that signs in by email gives users a generated UUID username and takes the email at the form', async (t) => {
  const idp = await emulator(t, { usernameAttributes: ['email'], users })
  const dana = idp.users[0]
  assert.match(dana?.username ?? '', UUID)
  assert.equal(dana?.username, dana?.sub)
  const back = await signIn(new Browser(), authorizeUrl(idp), 'Dana@Example.com')
  assert.ok(codeOf(back).length > 0)
  // Case-sensitive (the default): the email must be typed as registered.
  assert.match((await signIn(new Browser(), authorizeUrl(idp), 'dana@example.com')).body, /Incorrect username or password\./)
  const tokens = idp.issueTokens({ username: 'Dana@Example.com' })
  assert.equal(claimsOf(tokens.access_token).username, dana?.username)
  assert.equal(claimsOf(tokens.id_token as string)['cognito:username'], dana?.username)
  assert.equal(claimsOf(tokens.id_token as string).email, 'Dana@Example.com')
})

test('a case-insensitive pool signs in any capitalisation of a username or email, and tokens keep the name as registered', async (t) => {
  const idp = await emulator(t, { caseSensitive: false })
  assert.ok(codeOf(await signIn(new Browser(), authorizeUrl(idp), 'ALICE')).length > 0)
  assert.equal(claimsOf(idp.issueTokens({ username: 'Bob' }).access_token).username, 'bob')
  const byEmail = await emulator(t, { caseSensitive: false, usernameAttributes: ['email'], users })
  assert.ok(codeOf(await signIn(new Browser(), authorizeUrl(byEmail), 'dana@EXAMPLE.com')).length > 0)
})

test('the default pool is case-sensitive and signs in by username only', async (t) => {
  const idp = await emulator(t)
  assert.match((await signIn(new Browser(), authorizeUrl(idp), 'Alice')).body, /Incorrect username or password\./)
  assert.match((await signIn(new Browser(), authorizeUrl(idp), 'alice@example.com')).body, /Incorrect username or password\./)
  assert.throws(() => idp.issueTokens({ username: 'ALICE' }), /unknown user/)
})

test('user lists Cognito would refuse are refused at start', async () => {
  await assert.rejects(startCognitoEmulator({ usernameAttributes: ['email'], users: [{ username: 'dana', password: 'p', email: 'd@example.com' }] }), /generate usernames/)
  await assert.rejects(startCognitoEmulator({ usernameAttributes: ['email'], users: [{ password: 'p' }] }), /needs an email/)
  await assert.rejects(startCognitoEmulator({ users: [{ password: 'p' }] }), /needs a username/)
  const twins = [{ username: 'erin', password: 'p' }, { username: 'ERIN', password: 'p' }]
  await assert.rejects(startCognitoEmulator({ caseSensitive: false, users: twins }), /already signs in with that name/)
  const idp = await startCognitoEmulator({ users: twins })
  assert.equal(idp.users.length, 2)
  await idp.close()
  await assert.rejects(startCognitoEmulator({ caseSensitive: false, usernameAttributes: ['email'], users: [users[0] as never, { ...users[0], email: 'dana@example.COM' }] }), /already signs in/)
})
