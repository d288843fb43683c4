/**
 * What the plugin uses of a Redis client: ioredis, iovalkey and `app.redis` of @fastify/redis all fit, so the plugin
 * imports no Redis client itself. Commands go through `call`; a `duplicate()` connection carries the subscription.
 */
export interface RedisClient {
  /** `ready` when commands can be sent now; anything else means the store is unavailable (the plugin never queues). */
  readonly status: string
  call (command: string, args: Array<string | number>): Promise<unknown>
  /** A new connection with the same settings: the plugin subscribes on it and closes it with the app. */
  duplicate (): RedisClient
  subscribe (...channels: string[]): Promise<unknown>
  on (event: string, listener: (...args: any[]) => void): unknown
  disconnect (): void
}

/** Whether `value` looks like a client the plugin can use (checked once, at registration). */
export function isRedisClient (value: unknown): value is RedisClient {
  const client = value as Partial<RedisClient> | null
  return typeof client === 'object' && client !== null && typeof client.call === 'function' &&
    typeof client.duplicate === 'function' && typeof client.on === 'function'
}
