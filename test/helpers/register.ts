import Fastify from 'fastify'
import cognitoAuth, { type CognitoAuthOptions } from '../../lib/index.js'

/** Registers the plugin with `options` in a fresh app: the registration error, or undefined when `ready()` succeeds. */
export async function register (options: unknown): Promise<Error | undefined> {
  const app = Fastify()
  try {
    await app.register(cognitoAuth, options as CognitoAuthOptions)
    await app.ready()
    return undefined
  } catch (err) {
    return err as Error
  } finally {
    await app.close()
  }
}
