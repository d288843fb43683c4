import assert from 'node:assert/strict'
import { test } from 'node:test'
import fastifySwagger, { type SwaggerOptions } from '@fastify/swagger'
import { Validator } from '@seriousme/openapi-schema-validator'
import Fastify, { type FastifyInstance } from 'fastify'
import cognitoAuth, { type CognitoAuthOptions } from '../../lib/index.js'
import { startCognitoEmulator, type CognitoEmulator } from '../../lib/testing/index.js'
import { SECRET } from '../helpers/app.js'

type Doc = Record<string, any>

async function emulator (t: { after: (fn: () => Promise<void>) => void }): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator({ clients: [{ clientId: 'testclient', clientSecret: 'test-client-secret-0123456789abcdefghijklmnop', callbackUrls: ['http://localhost/postlogin'], logoutUrls: ['http://localhost/postlogout'] }] })
  t.after(async () => await idp.close())
  return idp
}

const pluginOptions = (idp: CognitoEmulator, more: Partial<CognitoAuthOptions> = {}): CognitoAuthOptions =>
  ({ ...idp.pluginOptions(), secret: SECRET, redirectUrl: 'http://localhost/postlogin', logoutUrl: 'http://localhost/postlogout', ...more })

function routes (app: FastifyInstance): void {
  app.get('/claims', { preHandler: app.authRequired() }, async (request) => ({ user: request.cognito.username }))
  app.get('/admin', { preHandler: [app.authRequired({ groups: ['admin'] })] }, async () => ({ admin: true }))
  app.post('/orders', { onRequest: app.authRequired({ scopes: ['orders/write'] }), schema: { response: { 201: { type: 'object', properties: { id: { type: 'string' } } } } } }, async (_req, reply) => await reply.code(201).send({ id: '1' }))
  app.get('/maybe', { preHandler: app.authOptional() }, async (request) => ({ user: request.cognito?.username ?? null }))
  app.get('/public', async () => ({ public: true }))
  app.get('/own', { preHandler: app.authRequired(), schema: { security: [{ apiKey: [] }] } as object }, async () => ({ own: true }))
}

/** @fastify/swagger, then the plugin, then the routes; closed when the test ends. */
async function documented (t: { after: (fn: () => Promise<void>) => void }, idp: CognitoEmulator, swagger: SwaggerOptions, more: Partial<CognitoAuthOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify()
  t.after(async () => await app.close())
  await app.register(fastifySwagger, swagger)
  await app.register(cognitoAuth, pluginOptions(idp, more))
  routes(app)
  await app.ready()
  return app
}

async function assertValid (doc: Doc): Promise<void> {
  const result = await new Validator().validate(doc as never)
  assert.equal(result.valid, true, JSON.stringify(result.errors))
}

const API_KEY_SCHEME = { type: 'apiKey', in: 'header', name: 'x-api-key' } as const
const OPENAPI: SwaggerOptions = { openapi: { info: { title: 'orders', version: '1.0.0' }, components: { securitySchemes: { apiKey: API_KEY_SCHEME } } } }

test('with @fastify/swagger: a valid OpenAPI 3 document with the pool\'s oauth2, bearer and cookie schemes', async (t) => {
  const idp = await emulator(t)
  const doc = (await documented(t, idp, OPENAPI)).swagger() as Doc
  await assertValid(doc)
  const schemes = doc.components.securitySchemes
  assert.deepEqual(schemes.apiKey, API_KEY_SCHEME, "the app's own schemes stay")
  const flow = schemes.cognitoOAuth2.flows.authorizationCode
  assert.equal(schemes.cognitoOAuth2.type, 'oauth2')
  assert.equal(flow.authorizationUrl, `${idp.domain}/oauth2/authorize`)
  assert.equal(flow.tokenUrl, `${idp.domain}/oauth2/token`)
  assert.deepEqual(Object.keys(flow.scopes).sort(), ['aws.cognito.signin.user.admin', 'email', 'openid', 'orders/write', 'phone', 'profile'])
  assert.deepEqual(schemes.cognitoBearer, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito access token.' })
  assert.equal(schemes.cognitoCookie.in, 'cookie')
  assert.equal(schemes.cognitoCookie.name, 'cognito-access-token')
})

test('protected routes list the schemes as alternatives, with their scopes, 401 and (with groups or scopes) 403; authOptional adds {}', async (t) => {
  const idp = await emulator(t)
  const { paths } = (await documented(t, idp, OPENAPI)).swagger() as Doc
  const anyOf = (scopes: string[]): object[] => [{ cognitoOAuth2: scopes }, { cognitoBearer: [] }, { cognitoCookie: [] }]
  assert.deepEqual(paths['/claims'].get.security, anyOf([]))
  assert.deepEqual(Object.keys(paths['/claims'].get.responses), ['200', '401'])
  assert.equal(paths['/claims'].get.responses['401'].content['application/json'].schema.properties.code.type, 'string')
  assert.deepEqual(paths['/admin'].get.security, anyOf([]))
  assert.deepEqual(Object.keys(paths['/admin'].get.responses), ['200', '401', '403'])
  assert.deepEqual(paths['/orders'].post.security, anyOf(['orders/write']))
  assert.deepEqual(Object.keys(paths['/orders'].post.responses), ['201', '401', '403'], 'the route\'s own responses stay')
  assert.deepEqual(paths['/maybe'].get.security, [...anyOf([]), {}])
  assert.deepEqual(Object.keys(paths['/maybe'].get.responses), ['200'])
  assert.equal(paths['/public'].get.security, undefined)
  assert.deepEqual(paths['/own'].get.security, [{ apiKey: [] }], 'a route that states its own security keeps it')
})

test('documented routes answer as before: the 401 body keeps its fields, and an error handler\'s extra fields pass the schema', async (t) => {
  const idp = await emulator(t)
  const app = await documented(t, idp, OPENAPI)
  const res = await app.inject({ url: '/claims' })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), { statusCode: 401, code: 'FST_COGNITO_UNAUTHENTICATED', error: 'Unauthorized', message: 'Authentication required' })
  const token = idp.issueTokens({ username: 'alice' }).access_token
  assert.deepEqual((await app.inject({ url: '/claims', headers: { authorization: `Bearer ${token}` } })).json(), { user: 'alice' })

  const custom = Fastify()
  t.after(async () => await custom.close())
  await custom.register(fastifySwagger, OPENAPI)
  await custom.register(cognitoAuth, pluginOptions(idp))
  custom.setErrorHandler(async (err: { statusCode?: number, code?: string }, _req, reply) => await reply.code(err.statusCode ?? 500).send({ code: err.code, hint: 'sign in first' }))
  routes(custom)
  assert.deepEqual((await custom.inject({ url: '/claims' })).json(), { code: 'FST_COGNITO_UNAUTHENTICATED', hint: 'sign in first' })
})

test('bearerTokens: false leaves the bearer scheme out; Swagger 2 mode gets securityDefinitions and stays valid', async (t) => {
  const idp = await emulator(t)
  const doc = (await documented(t, idp, OPENAPI, { bearerTokens: false })).swagger() as Doc
  await assertValid(doc)
  assert.equal(doc.components.securitySchemes.cognitoBearer, undefined)
  assert.deepEqual(doc.paths['/claims'].get.security, [{ cognitoOAuth2: [] }, { cognitoCookie: [] }])

  const v2 = (await documented(t, idp, { swagger: { info: { title: 'orders', version: '1.0.0' }, securityDefinitions: { apiKey: API_KEY_SCHEME } } })).swagger() as Doc
  await assertValid(v2)
  assert.equal(v2.securityDefinitions.cognitoOAuth2.flow, 'accessCode')
  assert.deepEqual(v2.securityDefinitions.cognitoBearer, { type: 'apiKey', in: 'header', name: 'Authorization' })
  assert.deepEqual(v2.paths['/orders'].post.security[0], { cognitoOAuth2: ['orders/write'] })
})

test('without @fastify/swagger (or with it registered after the plugin) no route schema is touched', async (t) => {
  const idp = await emulator(t)
  for (const swaggerAfter of [false, true]) {
    const app = Fastify()
    t.after(async () => await app.close())
    await app.register(cognitoAuth, pluginOptions(idp))
    if (swaggerAfter) await app.register(fastifySwagger, OPENAPI)
    const schemas: unknown[] = []
    app.addHook('onRoute', (route) => { if (route.url === '/claims' && route.method === 'GET') schemas.push(route.schema) })
    routes(app)
    await app.ready()
    assert.deepEqual(schemas, [undefined])
    if (swaggerAfter) assert.equal((app.swagger() as Doc).paths['/claims'].get.security, undefined)
  }
})
