import type { FastifyRequest } from 'fastify'
import { resolveOptions, type CognitoAuthOptions, type ResolvedOptions } from '../options.js'
import { fail, naming } from '../validate.js'

/** The settings a tenant may have of its own: its user pool and app clients, and where its browsers come back. */
export const TENANT_SETTINGS = ['region', 'domain', 'userPoolId', 'clientId', 'clientSecret', 'issuer', 'redirectUrl', 'logoutUrl', 'scopes', 'authorizeParams', 'machineClient'] as const
type TenantSetting = typeof TENANT_SETTINGS[number]

/** One tenant's pool (an entry of option `tenants`); set outside `tenants`, a setting is the default of every tenant. */
export type TenantOptions = Partial<Pick<CognitoAuthOptions, TenantSetting>>

/**
 * Options of `fastify.register(cognitoAuth, options)` for several tenants, each logging in with its own user pool:
 * every option of {@link CognitoAuthOptions}, where the pool settings may be left to each tenant.
 */
export interface CognitoTenantsOptions extends Omit<CognitoAuthOptions, TenantSetting>, TenantOptions {
  /** Tenant key → that tenant's pool settings. Each tenant's options (these merged over the shared ones) are checked like the app's. */
  tenants: Record<string, TenantOptions>
  /** The tenant key of a request. Default: `request.host` (the Host header, port included; X-Forwarded-Host with `trustProxy`). */
  tenantOf?: (request: FastifyRequest) => string | undefined
}

/** Every tenant's options, resolved, with how a request finds its tenant. */
export interface ResolvedTenants {
  options: Map<string, ResolvedOptions>
  /** The options all tenants share (cookies, secret, paths): the first tenant's. */
  shared: ResolvedOptions
  tenantOf: (request: FastifyRequest) => string | undefined
}

const KEY = /^[\x21-\x7E]{1,200}$/
const settings = new Set<string>(TENANT_SETTINGS)
const hostOf = (request: FastifyRequest): string => request.host

/** The tenant's settings over the shared ones, checked; each failure of a tenant's own setting names `tenants.{key}.{setting}`. */
function tenantOptions (key: string, value: unknown, shared: Record<string, unknown>): ResolvedOptions {
  if (!KEY.test(key)) fail('tenants', `${JSON.stringify(key)} is not a tenant key (1 to 200 printable ASCII characters)`)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`tenants.${key}`, 'an object of pool settings is required')
  for (const name of Object.keys(value)) {
    if (!settings.has(name)) fail(`tenants.${key}`, `${name} is not a tenant setting: set it once, outside tenants`)
  }
  return naming((name) => settings.has(name.split(/[.[]/)[0] as string) ? `tenants.${key}.${name}` : name, () => resolveOptions({ ...shared, ...value } as unknown as CognitoAuthOptions))
}

/**
 * Option `tenants` (undefined without it), every tenant checked at registration. With the plugin's routes, every
 * tenant's postlogin and postlogout paths must be the same: one route serves all, the tenant chosen per request.
 * No tenant may accept another's own tokens, so a login of one never authenticates on another.
 */
export function resolveTenants (opts: unknown): ResolvedTenants | undefined {
  if (opts === null || typeof opts !== 'object' || (opts as { tenants?: unknown }).tenants === undefined) return undefined
  const { tenants, tenantOf, ...shared } = opts as Record<string, unknown>
  if (tenants === null || typeof tenants !== 'object' || Array.isArray(tenants) || Object.keys(tenants).length === 0) {
    fail('tenants', 'a map from tenant keys to pool settings is required')
  }
  if (tenantOf !== undefined && typeof tenantOf !== 'function') fail('tenantOf', 'a function of the request is required')
  const options = new Map(Object.entries(tenants).map(([key, value]) => [key, tenantOptions(key, value, shared)]))
  const [first, firstOptions] = options.entries().next().value as [string, ResolvedOptions]
  for (const [key, tenant] of options) {
    for (const setting of ['redirectUrl', 'logoutUrl'] as const) {
      const path = tenant[setting].pathname
      const expected = firstOptions[setting].pathname
      if (tenant.routes && path !== expected) {
        fail(`tenants.${key}.${setting}`, `its path ${path} is not tenant ${first}'s ${expected}: the plugin's route serves every tenant (routes: false places them yourself)`)
      }
    }
  }
  for (const [key, tenant] of options) {
    for (const [other, { issuer, clientId }] of options) {
      const accepted = other !== key && tenant.pools.some((pool) => pool.issuer === issuer && pool.clientIds.has(clientId))
      if (accepted) fail(`tenants.${other}.clientId`, `tenant ${key} accepts its tokens too (the same pool and client, allowedClientIds or trustedPools): give each tenant an app client of its own`)
    }
  }
  return { options, shared: firstOptions, tenantOf: (tenantOf as ResolvedTenants['tenantOf'] | undefined) ?? hostOf }
}
