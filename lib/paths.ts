import type { FastifyInstance } from 'fastify'
import { fail, flag, localPath } from './validate.js'

/** Where the flow lives: the app's to place. */
export interface FlowPaths {
  loginPath: string
  logoutPath: string
  /** Whether the plugin registers its four routes; false when the app calls `app.cognito.login/callback/logout` from its own. */
  routes: boolean
}

/** `loginPath`, `logoutPath` and `routes`, checked: same-origin paths without a query, and the four flow paths all different. */
export function flowPaths (options: { loginPath?: unknown, logoutPath?: unknown, routes?: unknown }, redirectUrl: URL, logoutUrl: URL): FlowPaths {
  const loginPath = localPath('loginPath', options.loginPath ?? '/login')
  const logoutPath = localPath('logoutPath', options.logoutPath ?? '/logout')
  for (const [name, path] of [['loginPath', loginPath], ['logoutPath', logoutPath]]) {
    if (/[?#]/.test(path as string)) fail(name as string, 'a path without query or fragment is required')
  }
  const named: Array<[string, string]> = [['loginPath', loginPath], ['logoutPath', logoutPath], ['redirectUrl', redirectUrl.pathname], ['logoutUrl', logoutUrl.pathname]]
  for (const [i, [name, path]] of named.entries()) {
    const clash = named.slice(0, i).find(([, other]) => other === path)
    if (clash !== undefined) fail(name, `its path ${path} is also ${clash[0]}'s: the login, logout, postlogin and postlogout paths must all differ`)
  }
  return { loginPath, logoutPath, routes: flag('routes', options.routes, true) }
}

/** Refuses, naming the option, a flow path the app already serves: Fastify's own duplicate-route error would name nothing of ours. */
export function checkFreePaths (app: FastifyInstance, routes: Array<[option: string, method: 'GET' | 'POST', path: string]>): void {
  for (const [option, method, path] of routes) {
    if (app.hasRoute({ method, url: path })) fail(option, `${method} ${path} is already a route of the app: set ${option} to another path, or routes: false to write the flow's routes yourself`)
  }
}
