import { test, type TestContext } from 'node:test'
import { ownLoginRoutes } from '../../example/own-routes.js'
import type { AppSetup, TestApp } from '../helpers/app.js'
import { auditedApp } from './audit.js'

/** The two ways an app gets the flow: the plugin's routes, or `routes: false` and the seed's views written over `app.cognito`. */
const FLOW_MODES: Array<[string, AppSetup]> = [
  ['built-in routes', {}],
  ['routes: false, the app\'s own views', { options: { routes: false }, routes: ownLoginRoutes }]
]

type Start = (t: Parameters<typeof auditedApp>[0], setup?: AppSetup, sent?: URLSearchParams[]) => Promise<TestApp>

/** A test run once per flow mode; `start` is `auditedApp` with that mode's setup merged in. */
export function flowTest (name: string, fn: (t: TestContext, start: Start) => Promise<void>): void {
  for (const [mode, base] of FLOW_MODES) {
    const start: Start = async (t, setup = {}, sent) => await auditedApp(t, {
      ...setup,
      options: { ...base.options, ...setup.options },
      routes: (app) => { base.routes?.(app); setup.routes?.(app) }
    }, sent)
    test(`${name} (${mode})`, async (t) => { await fn(t, start) })
  }
}
