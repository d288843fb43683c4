import type { FastifyInstance, RouteOptions } from 'fastify'
import type { AuthHandlers, AuthRequiredOptions } from './auth-required.js'
import type { Endpoints } from './endpoints.js'
import type { ResolvedOptions } from './options.js'
import { cookieNames } from './session.js'

/** What a guard returned by `authRequired` / `authOptional` asks of its callers, for the OpenAPI document. */
interface GuardMark { required: boolean, scopes: string[], restricted: boolean }

const kGuard = Symbol('fastify-cognito-auth.guard')
const HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const
const OAUTH2 = 'cognitoOAuth2'
const BEARER = 'cognitoBearer'
const COOKIE = 'cognitoCookie'

const STANDARD_SCOPES: Record<string, string> = {
  openid: 'OpenID Connect sign-in',
  email: 'The user\'s email address',
  phone: 'The user\'s phone number',
  profile: 'The user\'s profile attributes',
  'aws.cognito.signin.user.admin': 'Cognito user pool API calls as the user'
}

const errorSchema = (description: string): object => ({
  description,
  type: 'object',
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } },
  // An app's own error handler may add fields: they are kept, not filtered out by this schema.
  additionalProperties: true
})

/** `authRequired` and `authOptional` whose guards carry what they require, so `onRoute` can document them. */
export function markedHandlers ({ authRequired, authOptional, ...rest }: AuthHandlers): AuthHandlers {
  return {
    ...rest,
    authRequired (options?: AuthRequiredOptions) {
      const guard = authRequired(options)
      const scopes = options?.scopes ?? []
      const mark: GuardMark = { required: true, scopes, restricted: scopes.length > 0 || (options?.groups ?? []).length > 0 }
      return Object.assign(guard, { [kGuard]: mark })
    },
    authOptional () {
      return Object.assign(authOptional(), { [kGuard]: { required: false, scopes: [], restricted: false } satisfies GuardMark })
    }
  }
}

function marksOf (route: RouteOptions): GuardMark[] {
  return HOOKS.flatMap((hook) => [route[hook] ?? []].flat() as Array<{ [kGuard]?: GuardMark }>)
    .flatMap((fn) => fn[kGuard] === undefined ? [] : [fn[kGuard]])
}

/** The security schemes of the pool: OpenAPI 3 `components.securitySchemes`, or Swagger 2 `securityDefinitions`. */
class Schemes {
  /** Every scope any route or the login asks for, with a description: an OAuth2 flow must list the scopes it uses. */
  readonly scopes: Record<string, string> = {}

  constructor (private readonly options: ResolvedOptions, private readonly endpoints: Endpoints) {
    for (const scope of options.scopes ?? Object.keys(STANDARD_SCOPES)) this.add([scope])
  }

  add (scopes: string[]): void {
    for (const scope of scopes) this.scopes[scope] ??= STANDARD_SCOPES[scope] ?? `Custom scope ${scope}`
  }

  openapi (): Record<string, object> {
    const { authorize: authorizationUrl, token: tokenUrl } = this.endpoints
    return {
      [OAUTH2]: {
        type: 'oauth2',
        description: 'Sign in on the Amazon Cognito hosted UI (authorization code with PKCE, S256).',
        flows: { authorizationCode: { authorizationUrl, tokenUrl, refreshUrl: tokenUrl, scopes: { ...this.scopes } } }
      },
      ...(this.options.bearerTokens ? { [BEARER]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito access token.' } } : {}),
      [COOKIE]: { type: 'apiKey', in: 'cookie', name: cookieNames(this.options).access, description: 'The access-token cookie that /login sets.' }
    }
  }

  /** Swagger 2 has no cookie or bearer schemes: both become the header that carries them. */
  swagger2 (): Record<string, object> {
    const { authorize: authorizationUrl, token: tokenUrl } = this.endpoints
    return {
      [OAUTH2]: { type: 'oauth2', flow: 'accessCode', authorizationUrl, tokenUrl, scopes: { ...this.scopes } },
      ...(this.options.bearerTokens ? { [BEARER]: { type: 'apiKey', in: 'header', name: 'Authorization' } } : {}),
      [COOKIE]: { type: 'apiKey', in: 'header', name: 'Cookie' }
    }
  }

  /** The route's requirement: any one of the schemes (with the route's scopes for OAuth2), or nothing for `authOptional`. */
  requirement ({ required, scopes }: GuardMark): Array<Record<string, string[]>> {
    const any: Array<Record<string, string[]>> = [{ [OAUTH2]: scopes }, ...(this.options.bearerTokens ? [{ [BEARER]: [] }] : []), { [COOKIE]: [] }]
    return required ? any : [...any, {}]
  }
}

/**
 * With @fastify/swagger registered before this plugin, routes behind `authRequired` / `authOptional` get their
 * `security` and 401/403 responses, and the document gets the pool's security schemes. Without it, nothing is added.
 * Returns the hook to install in the plugin's own routes' context, whose first route brings the schemes into the document.
 */
export function openapiSecurity (fastify: FastifyInstance, options: ResolvedOptions, endpoints: Endpoints): (scope: FastifyInstance) => void {
  if (!fastify.hasPlugin('@fastify/swagger')) return () => {}
  const schemes = new Schemes(options, endpoints)
  fastify.addHook('onRoute', (route) => {
    const marks = marksOf(route)
    const schema = route.schema as (RouteOptions['schema'] & { security?: unknown }) | undefined
    if (marks.length === 0 || schema?.security !== undefined) return
    const mark = marks.find((m) => m.required) ?? marks[0] as GuardMark
    schemes.add(mark.scopes)
    const response: Record<string, unknown> = { ...(schema?.response as object | undefined ?? { 200: { description: 'Default Response' } }) }
    if (mark.required) response[401] ??= errorSchema('Not signed in (FST_COGNITO_UNAUTHENTICATED); a browser navigation is redirected to /login instead')
    if (mark.restricted) response[403] ??= errorSchema('Signed in without a required group (FST_COGNITO_FORBIDDEN) or scope (FST_COGNITO_INSUFFICIENT_SCOPE)')
    route.schema = { ...schema, security: schemes.requirement(mark), response } as RouteOptions['schema']
  })
  // A route's own swaggerTransform runs before the routes after it are read: this one adds the schemes they refer to.
  const swaggerTransform = ({ openapiObject, swaggerObject }: { openapiObject?: { components: Record<string, unknown> }, swaggerObject?: Record<string, unknown> }): object => {
    if (openapiObject !== undefined) openapiObject.components.securitySchemes = { ...openapiObject.components.securitySchemes as object, ...schemes.openapi() }
    if (swaggerObject !== undefined) swaggerObject.securityDefinitions = { ...swaggerObject.securityDefinitions as object, ...schemes.swagger2() }
    return {}
  }
  return (scope) => {
    scope.addHook('onRoute', (route) => { route.config = { ...route.config, swaggerTransform } as typeof route.config })
  }
}
