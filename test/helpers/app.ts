import fastifyCookie from '@fastify/cookie'
import Fastify, { type FastifyInstance } from 'fastify'
import cognitoAuth, { type CognitoAuthOptions, type CognitoTenantsOptions } from '../../lib/index.js'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorClient, type EmulatorOptions } from '../../lib/testing/index.js'
import { Browser, formAction, formValue, last, type Hop } from './browser.js'
import { PASSWORD } from './hosted-ui.js'
import { freePort } from '../../example/port.js'

export const SECRET = 'a-session-secret-that-is-long-enough-0123456789'

interface TestContext { after: (fn: () => Promise<void> | void) => void }

// The app's callback URL must be registered with the emulator before the app listens: the example needs the same.
export { freePort } from '../../example/port.js'

export interface TestApp {
  app: FastifyInstance
  url: string
  idp: CognitoEmulator
  options: CognitoAuthOptions
  logs: string[]
}

export interface AppSetup {
  /** Extra or overriding plugin options. */
  options?: Partial<CognitoAuthOptions>
  /** Emulator options other than clients (users, ttls). */
  emulator?: EmulatorOptions
  /** A public client (no secret). */
  publicClient?: boolean
  /** Overrides of the app's emulator client (rotation, scopes). */
  client?: Partial<EmulatorClient>
  /** More emulator clients (for allowedClientIds). */
  extraClients?: EmulatorClient[]
  /** Adds routes before the app listens. */
  routes?: (app: FastifyInstance) => void
  /** The app registers @fastify/cookie itself, before the plugin. */
  cookiePlugin?: boolean
}

/** The emulator, and a Fastify app with the plugin on a loopback port, both closed when the test ends. */
export async function startApp (t: TestContext, setup: AppSetup = {}): Promise<TestApp> {
  // The port is chosen before the app listens (the emulator must know the callback URL): another process may take it
  // in between, so a lost race starts over on a new port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAppOnce(t, setup)
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt === 5) throw err
    }
  }
}

async function startAppOnce (t: TestContext, setup: AppSetup): Promise<TestApp> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const clientSecret = setup.publicClient === true ? undefined : 'test-client-secret-0123456789abcdefghijklmnop'
  const idp = await startCognitoEmulator({
    ...setup.emulator,
    clients: [
      { clientId: 'testclient', clientSecret, callbackUrls: [`${url}/postlogin`], logoutUrls: [`${url}/postlogout`], ...setup.client },
      ...(setup.extraClients ?? [])
    ]
  })
  t.after(() => idp.close())
  const options: CognitoAuthOptions = {
    ...idp.pluginOptions('testclient'),
    secret: SECRET,
    redirectUrl: `${url}/postlogin`,
    logoutUrl: `${url}/postlogout`,
    ...setup.options
  }
  const { app, logs } = await buildApp(options, setup.routes, setup.cookiePlugin)
  t.after(() => app.close())
  await app.listen({ port, host: '127.0.0.1' })
  return { app, url, idp, options, logs }
}

/** A Fastify app with the plugin and the test routes, its log lines captured; not listening (use inject or listen). */
export async function buildApp (options: CognitoAuthOptions | CognitoTenantsOptions, routes?: (app: FastifyInstance) => void, cookiePlugin = false): Promise<{ app: FastifyInstance, logs: string[] }> {
  const logs: string[] = []
  const app = Fastify({ logger: { level: 'trace', stream: { write: (line: string) => { logs.push(line) } } } })
  if (cookiePlugin) await app.register(fastifyCookie)
  await app.register(cognitoAuth, options)
  // The plugin adds no cookie parsing to the app's own routes: this one reads the header itself.
  app.get('/', async (request) => ({ home: true, cookies: (request.headers.cookie ?? '').split(/; */).filter(Boolean).map((c) => c.split('=')[0]) }))
  app.get('/claims', { preHandler: app.authRequired() }, async (request) => request.cognito)
  app.get('/admin', { preHandler: app.authRequired({ groups: ['admin'] }) }, async (request) => ({ admin: request.cognito.username }))
  app.get('/both', { preHandler: app.authRequired({ groups: ['admin', 'editor'] }) }, async () => ({ both: true }))
  app.get('/edit', { preHandler: app.authRequired({ groups: ['admin', 'editor'], anyGroup: true }) }, async () => ({ edit: true }))
  routes?.(app)
  return { app, logs }
}

/** Opens `path` on the app and, when the hosted UI shows its form, signs in; returns every hop to the final page. */
export async function logIn (browser: Browser, url: string, username: string, path = '/login', password = PASSWORD): Promise<Hop[]> {
  const hops = await browser.follow(`${url}${path}`)
  const form = last(hops)
  if (!/\/login\?/.test(form.url) || form.status !== 200) return hops
  const action = new URL(formAction(form.body), form.url).href
  return [...hops, ...await browser.follow(action, { form: { _csrf: formValue(form.body, '_csrf') ?? '', username, password } })]
}

export const json = (hop: Hop): Record<string, unknown> => JSON.parse(hop.body)

export { Browser, last }
