import createError from '@fastify/error'

/** A bad or missing option, at registration (`ready()` fails). The message names the option. */
export const InvalidOptionError = createError<'FST_COGNITO_INVALID_OPTION', 500, [string, string]>(
  'FST_COGNITO_INVALID_OPTION', 'Invalid option %s: %s', 500)

/** The callback's `state` is missing, unknown to this browser's session, or already used. */
export const InvalidStateError = createError<'FST_COGNITO_INVALID_STATE', 400, [string]>(
  'FST_COGNITO_INVALID_STATE', 'Login callback refused: %s', 400)

/** The callback carries neither a code nor an error. */
export const MissingCodeError = createError<'FST_COGNITO_MISSING_CODE', 400, []>(
  'FST_COGNITO_MISSING_CODE', 'Login callback refused: no authorization code', 400)

/** Cognito sent the browser back with `error=` (the user cancelled, or the request was refused). */
export const LoginDeniedError = createError<'FST_COGNITO_LOGIN_DENIED', 401, [string]>(
  'FST_COGNITO_LOGIN_DENIED', 'Login failed at Cognito: %s', 401)

/** The token endpoint refused the code (`invalid_grant`): expired, used, or not this client's. */
export const CodeRejectedError = createError<'FST_COGNITO_CODE_REJECTED', 400, []>(
  'FST_COGNITO_CODE_REJECTED', 'Cognito refused the authorization code (invalid_grant)', 400)

/** Cognito's token, revoke or userInfo endpoint answered with something other than success. */
export const IdpResponseError = createError<'FST_COGNITO_IDP_ERROR', 502, [string]>(
  'FST_COGNITO_IDP_ERROR', 'Cognito answered with an error: %s', 502)

/** Cognito did not answer within `requestTimeout`. */
export const IdpTimeoutError = createError<'FST_COGNITO_IDP_TIMEOUT', 504, [string]>(
  'FST_COGNITO_IDP_TIMEOUT', 'Cognito did not answer in time: %s', 504)

/** Cognito could not be reached (connection refused, DNS, reset). */
export const IdpUnreachableError = createError<'FST_COGNITO_IDP_UNREACHABLE', 503, [string]>(
  'FST_COGNITO_IDP_UNREACHABLE', 'Cognito could not be reached: %s', 503)

/** The user pool's JWKS could not be fetched, so no token can be checked. */
export const JwksUnavailableError = createError<'FST_COGNITO_JWKS_UNAVAILABLE', 503, []>(
  'FST_COGNITO_JWKS_UNAVAILABLE', 'The user pool keys (JWKS) are unavailable', 503)

/** A token from Cognito at login failed verification. */
export const InvalidTokenError = createError<'FST_COGNITO_INVALID_TOKEN', 401, [string]>(
  'FST_COGNITO_INVALID_TOKEN', 'Login refused: %s', 401)

/** No valid credentials on a protected route (sent with `WWW-Authenticate: Bearer`). */
export const UnauthenticatedError = createError<'FST_COGNITO_UNAUTHENTICATED', 401, []>(
  'FST_COGNITO_UNAUTHENTICATED', 'Authentication required', 401)

/** A token without the scopes the route requires (sent with `WWW-Authenticate: Bearer error="insufficient_scope"`). */
export const InsufficientScopeError = createError<'FST_COGNITO_INSUFFICIENT_SCOPE', 403, []>(
  'FST_COGNITO_INSUFFICIENT_SCOPE', 'The token lacks a required scope', 403)

/** Authenticated, but not in the groups the route requires. */
export const ForbiddenError = createError<'FST_COGNITO_FORBIDDEN', 403, []>(
  'FST_COGNITO_FORBIDDEN', 'Not a member of the required groups', 403)

/** A value the plugin must store in a cookie is larger than its chunks can carry (tokens grown by a pre-token-generation trigger). */
export const CookieTooLargeError = createError<'FST_COGNITO_COOKIE_TOO_LARGE', 500, [string, number]>(
  'FST_COGNITO_COOKIE_TOO_LARGE', 'The value of cookie %s is over %d characters', 500)

/** State shared through Redis (option `redis`) is needed to decide this request, and Redis is unreachable or too slow. */
export const StoreUnavailableError = createError<'FST_COGNITO_STORE_UNAVAILABLE', 503, [string]>(
  'FST_COGNITO_STORE_UNAVAILABLE', 'The shared session store is unavailable: %s', 503)

/** Cognito refused the app's `client_credentials` request: a client without that grant or secret, or a scope it may not ask for. */
export const ClientCredentialsRefusedError = createError<'FST_COGNITO_CLIENT_CREDENTIALS_REFUSED', 500, [string]>(
  'FST_COGNITO_CLIENT_CREDENTIALS_REFUSED', 'Cognito refused the client_credentials grant: %s', 500)

/** The app's `onLogin` hook refused the login (it threw something other than a coded error of its own). */
export const LoginRefusedError = createError<'FST_COGNITO_LOGIN_REFUSED', 403, []>(
  'FST_COGNITO_LOGIN_REFUSED', 'The application refused this login', 403)

/** `authRequired({ maxAuthAge })`: the caller signed in longer ago than the route allows (RFC 9470's step-up challenge). */
export const SignInTooOldError = createError<'FST_COGNITO_SIGN_IN_TOO_OLD', 401, []>(
  'FST_COGNITO_SIGN_IN_TOO_OLD', 'A more recent sign-in is required', 401)

/** Authenticated by a user pool that `authRequired({ pools })` does not accept on this route. */
export const PoolNotAllowedError = createError<'FST_COGNITO_POOL_NOT_ALLOWED', 403, []>(
  'FST_COGNITO_POOL_NOT_ALLOWED', 'The caller\'s user pool is not accepted on this route', 403)

/** With `tenants`: the request's tenant key (`tenantOf`, by default its host) is not one of them. */
export const UnknownTenantError = createError<'FST_COGNITO_UNKNOWN_TENANT', 404, []>(
  'FST_COGNITO_UNKNOWN_TENANT', 'No tenant is served at this host', 404)
