import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { chromium, type BrowserContext } from 'playwright-core'
import type { CognitoEmulator } from '../../lib/testing/index.js'
import { freePort } from '../helpers/app.js'

/** Where the browser suites save their screenshots. */
export const SHOTS = new URL('../../../test-results/', import.meta.url).pathname

/** Debian's headless Chromium (or CHROMIUM_PATH) in a fresh profile; `close` ends it and removes the profile. */
export async function launchChromium (): Promise<{ context: BrowserContext, close: () => Promise<void> }> {
  mkdirSync(SHOTS, { recursive: true })
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

/** What a browser suite runs against: its app (listening on `url`), the emulated pool, and the Chromium context. */
export interface BrowserSuite {
  url: string
  app: FastifyInstance
  idp: CognitoEmulator
  context: BrowserContext
}

/**
 * Registers the suite's `before` and `after`: `build` makes the app and its pool for a free loopback URL, the app
 * listens there, Chromium starts; everything is closed after. The returned object is filled in `before`.
 */
export function browserSuite (build: (url: string) => Promise<{ app: FastifyInstance, idp: CognitoEmulator }>): BrowserSuite {
  const suite = {} as BrowserSuite
  let closeBrowser: (() => Promise<void>) | undefined
  before(async () => {
    suite.url = `http://127.0.0.1:${await freePort()}`
    Object.assign(suite, await build(suite.url))
    await suite.app.listen({ port: Number(new URL(suite.url).port), host: '127.0.0.1' })
    ;({ context: suite.context, close: closeBrowser } = await launchChromium())
  })
  after(async () => {
    await closeBrowser?.()
    await suite.app?.close()
    await suite.idp?.close()
  })
  return suite
}
