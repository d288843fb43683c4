import { request, type Dispatcher } from 'undici'
import { startCognitoEmulator, type CognitoEmulator, type EmulatorOptions } from '../../lib/testing/index.js'

interface TestContext { after: (fn: () => Promise<void>) => void }

/** An emulator closed when the test ends. */
export async function emulator (t: TestContext, options: EmulatorOptions = {}): Promise<CognitoEmulator> {
  const idp = await startCognitoEmulator(options)
  t.after(() => idp.close())
  return idp
}

export const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

export interface Answer { status: number, body: Record<string, unknown>, headers: Record<string, unknown> }

/** POSTs a form to one of the pool's endpoints (on `idp.domain`, through `dispatcher` when given) and parses the JSON answer. */
export async function postForm (idp: CognitoEmulator, path: string, form: Record<string, string>, headers: Record<string, string> = {}, dispatcher?: Dispatcher): Promise<Answer> {
  const res = await request(`${idp.domain}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    dispatcher
  })
  const text = await res.body.text()
  return { status: res.statusCode, body: text === '' ? {} : JSON.parse(text), headers: res.headers }
}

/** The payload of a JWT, unverified. */
export const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString())
