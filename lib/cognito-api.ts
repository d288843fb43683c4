import type { FastifyInstance } from 'fastify'

/** `app.cognito`: what the app can ask of the plugin outside a request. */
export interface CognitoApi {
  /**
   * Signs a user out everywhere: every login of `sub` that began by now is refused (tokens, copies, refreshes), and
   * with `sessions: 'server'` their sessions are deleted; with `redis`, on every instance.
   * @example await app.cognito.endSessions(request.cognito.sub)
   */
  endSessions: (sub: string) => Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The plugin's own API: `endSessions(sub)`. */
    cognito: CognitoApi
  }
}

/** Decorates `app.cognito` (merged by hand with the other `app.cognito` members when branches meet). */
export function decorateCognito (fastify: FastifyInstance, api: CognitoApi): void {
  fastify.decorate('cognito', api)
}
