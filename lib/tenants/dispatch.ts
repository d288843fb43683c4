import { createHash } from 'node:crypto'
import type { FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify'
import type { AuthHandlers } from '../auth-required.js'
import type { CognitoApi } from '../cognito-api.js'
import { UnknownTenantError } from '../errors.js'
import type { PoolWiring } from '../pool-wiring.js'
import type { CookieNames } from '../session.js'

/**
 * A tenant's own cookie names (`cognito-session-{tag}`, the tag from a digest of its key, since keys such as
 * `host:port` cannot be cookie names): a tenant never reads another's cookies, even under a shared `cookieDomain`.
 */
export function tenantCookieNames (names: CookieNames, tenant: string | undefined): CookieNames {
  if (tenant === undefined) return names
  const tag = createHash('sha256').update(tenant).digest('base64url').slice(0, 10)
  return { session: `${names.session}-${tag}`, access: `${names.access}-${tag}`, refresh: `${names.refresh}-${tag}` }
}

/**
 * Guards and `app.cognito` over every tenant's pool: each request is handled wholly by its tenant's (its cookies,
 * verifier, refresh and flow), so nothing of one tenant's login, token or session counts on another's.
 */
export function tenantDispatch (tenants: ReadonlyMap<string, PoolWiring>, tenantOf: (request: FastifyRequest) => string | undefined): { handlers: Pick<AuthHandlers, 'authRequired' | 'authOptional'>, cognito: CognitoApi } {
  const tenantFor = (key: string | undefined): PoolWiring => {
    const tenant = key === undefined ? undefined : tenants.get(key)
    if (tenant === undefined) throw new UnknownTenantError()
    return tenant
  }
  const poolOf = (request: FastifyRequest): PoolWiring => tenantFor(tenantOf(request))
  /** One guard per tenant, built when the route is declared (so its options are checked then). */
  const perTenant = <G>(build: (handlers: AuthHandlers) => G): Map<PoolWiring, G> =>
    new Map([...tenants.values()].map((tenant) => [tenant, build(tenant.handlers)]))

  const handlers: Pick<AuthHandlers, 'authRequired' | 'authOptional'> = {
    authRequired (options) {
      const guards = perTenant((h) => h.authRequired(options))
      return function cognitoTenantAuthRequired (request, reply, done) {
        let guard: preHandlerHookHandler
        try {
          guard = guards.get(poolOf(request)) as preHandlerHookHandler
        } catch (err) {
          done(err as Error)
          return
        }
        guard.call(this, request, reply, done)
      }
    },
    authOptional () {
      const guards = perTenant((h) => h.authOptional())
      return async function cognitoTenantAuthOptional (request, reply) {
        await (guards.get(poolOf(request)) as preHandlerAsyncHookHandler).call(this, request, reply)
      }
    }
  }
  const cognito: CognitoApi = {
    login: (request, reply, input) => poolOf(request).cognito.login(request, reply, input),
    callback: async (request, reply) => await poolOf(request).cognito.callback(request, reply),
    logout: async (request, reply) => await poolOf(request).cognito.logout(request, reply),
    clientCredentials: async (input) => await tenantFor(input?.tenant).cognito.clientCredentials(input),
    // A user is signed out of every tenant: their shared store holds one end, each tenant's sessions are dropped.
    endSessions: async (sub) => { await Promise.all([...tenants.values()].map(async (tenant) => { await tenant.cognito.endSessions(sub) })) }
  }
  return { handlers, cognito }
}
