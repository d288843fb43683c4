import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TenantOptions } from '../../lib/index.js'
import { SECRET } from '../helpers/app.js'
import { register } from '../helpers/register.js'

const tenant = (name: string, pool = `eu-west-1_${name}`, path = '/postlogin'): TenantOptions => ({
  region: 'eu-west-1',
  domain: `https://${name.toLowerCase()}.auth.eu-west-1.amazoncognito.com`,
  userPoolId: pool,
  clientId: `${name}client`,
  clientSecret: 'shh',
  redirectUrl: `https://${name.toLowerCase()}.example.com${path}`,
  logoutUrl: `https://${name.toLowerCase()}.example.com/postlogout`
})
const two = { acme: tenant('Acme'), globex: tenant('Globex') }

test('every tenant is checked at registration, and FST_COGNITO_INVALID_OPTION names the tenant and its setting', async () => {
  assert.equal(await register({ secret: SECRET, tenants: two }), undefined)
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ tenants: {} }, /option tenants: a map/],
    [{ tenants: null }, /option tenants: a map/],
    [{ tenants: [tenant('Acme')] }, /option tenants: a map/],
    [{ tenants: two, tenantOf: 'host' }, /option tenantOf: a function/],
    [{ tenants: { 'a b': tenant('Acme') } }, /option tenants: "a b" is not a tenant key/],
    [{ tenants: { acme: 'eu-west-1_Acme' } }, /option tenants\.acme: an object/],
    [{ tenants: { ...two, globex: { ...tenant('Globex'), domain: undefined } } }, /option tenants\.globex\.domain: a non-empty string/],
    [{ tenants: { ...two, globex: { ...tenant('Globex'), userPoolId: 'us-east-1_Globex' } } }, /option tenants\.globex\.userPoolId: the pool id does not belong/],
    [{ tenants: { ...two, globex: { ...tenant('Globex'), authorizeParams: { foo: 'x' } } } }, /option tenants\.globex\.authorizeParams/],
    [{ tenants: { ...two, globex: { ...tenant('Globex'), secret: SECRET } } }, /option tenants\.globex: secret is not a tenant setting/],
    [{ tenants: { ...two, globex: tenant('Globex', 'eu-west-1_Globex', '/callback') } }, /option tenants\.globex\.redirectUrl: its path \/callback is not tenant acme's \/postlogin/],
    [{ tenants: { ...two, globex: { ...tenant('Globex'), userPoolId: 'eu-west-1_Acme', clientId: 'Acmeclient' } } }, /option tenants\.globex\.clientId: tenant acme accepts its tokens too/],
    [{ tenants: { ...two, globex: { ...tenant('Globex'), userPoolId: 'eu-west-1_Acme' } }, allowedClientIds: ['Globexclient'] }, /option tenants\.globex\.clientId: tenant acme accepts/],
    [{ tenants: two, cookieMaxAge: 0 }, /option cookieMaxAge: an integer/],
    [{ tenants: two, secret: 'short' }, /option secret:/]
  ]
  for (const [options, message] of cases) {
    const err = await register({ secret: SECRET, ...options })
    assert.equal((err as { code?: string } | undefined)?.code, 'FST_COGNITO_INVALID_OPTION', String(message))
    assert.match(String(err?.message), message)
  }
  // Different callback paths are the app's to place with routes: false; one pool with a client per tenant is fine.
  assert.equal(await register({ secret: SECRET, routes: false, tenants: { ...two, globex: tenant('Globex', 'eu-west-1_Globex', '/callback') } }), undefined)
  assert.equal(await register({ secret: SECRET, tenants: { ...two, globex: { ...tenant('Globex'), userPoolId: 'eu-west-1_Acme' } } }), undefined)
})
