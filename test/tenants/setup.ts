import type { FastifyInstance } from 'fastify'
import type { CognitoTenantsOptions } from '../../lib/index.js'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorOptions } from '../../lib/testing/index.js'
import { buildApp, freePort, SECRET } from '../helpers/app.js'

interface TestContext { after: (fn: () => Promise<void> | void) => void }

/** One tenant: its app origin (a loopback name of its own) and its user pool. */
export interface Tenant {
  key: string
  url: string
  idp: CognitoEmulator
  clientId: string
}

export interface TenantsApp {
  app: FastifyInstance
  a: Tenant
  b: Tenant
  logs: string[]
}

const secretOf = (clientId: string): string => `${clientId}-secret-0123456789abcdefghij`

/** A pool of its own (region, id, keys) with a confidential app client for `url`, and a machine client (`{clientId}m2m`). */
export async function tenantPool (t: TestContext, region: string, id: string, clientId: string, url: string, emulator: EmulatorOptions = {}): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator({
    ...emulator,
    region,
    userPoolId: `${region}_${id}`,
    clients: [
      { clientId, clientSecret: secretOf(clientId), callbackUrls: [`${url}/postlogin`], logoutUrls: [`${url}/postlogout`] },
      { clientId: `${clientId}m2m`, clientSecret: secretOf(`${clientId}m2m`), callbackUrls: [], logoutUrls: [], scopes: ['api/read'], allowedOAuthFlows: ['client_credentials'] }
    ]
  })
  t.after(() => idp.close())
  return idp
}

/** The settings of `tenant` as option `tenants` takes them. */
export const tenantSettings = ({ idp, clientId, url }: Tenant): CognitoTenantsOptions['tenants'][string] =>
  ({ ...idp.pluginOptions(clientId), redirectUrl: `${url}/postlogin`, logoutUrl: `${url}/postlogout`, machineClient: { clientId: `${clientId}m2m`, clientSecret: secretOf(`${clientId}m2m`) } })

/**
 * Two tenants behind one app on one port: `a` at http://127.0.0.1:PORT (pool us-east-1_TenantA) and `b` at
 * http://localhost:PORT (pool eu-west-1_TenantB), keyed by their host (the default `tenantOf`).
 */
export async function startTenants (t: TestContext, options: Partial<CognitoTenantsOptions> = {}, emulator: EmulatorOptions = {}, routes?: (app: FastifyInstance) => void): Promise<TenantsApp> {
  const port = await freePort()
  const a: Tenant = { key: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, clientId: 'aclient', idp: undefined as unknown as CognitoEmulator }
  const b: Tenant = { key: `localhost:${port}`, url: `http://localhost:${port}`, clientId: 'bclient', idp: undefined as unknown as CognitoEmulator }
  a.idp = await tenantPool(t, 'us-east-1', 'TenantA', a.clientId, a.url, emulator)
  b.idp = await tenantPool(t, 'eu-west-1', 'TenantB', b.clientId, b.url, emulator)
  const { app, logs } = await buildApp({ secret: SECRET, tenants: { [a.key]: tenantSettings(a), [b.key]: tenantSettings(b) }, ...options }, routes)
  await app.listen({ port, host: '127.0.0.1' })
  t.after(() => app.close())
  return { app, a, b, logs }
}
