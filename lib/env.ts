import type { CognitoAuthOptions } from './options.js'

const number = (value: string | undefined): number | undefined => value === undefined || value === '' ? undefined : Number(value)
const present = (value: string | undefined): string | undefined => value === '' ? undefined : value
const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])
/** "false" is false; a word that is neither is passed on as it is, so registration names the option. */
function boolean (value: string | undefined): boolean | undefined {
  const word = present(value)?.trim().toLowerCase()
  if (word === undefined) return undefined
  return TRUE.has(word) ? true : FALSE.has(word) ? false : value as unknown as boolean
}

/**
 * Reads the options from flask-cognito-lib's environment names, so its `.env` works unchanged.
 * Nothing is validated here: registration does that, naming the option.
 * @example
 * await app.register(cognitoAuth, optionsFromEnv())
 * await app.register(cognitoAuth, { ...optionsFromEnv(), afterLogin: '/home' })
 */
export function optionsFromEnv (env: Record<string, string | undefined> = process.env): CognitoAuthOptions {
  const scopes = present(env.AWS_COGNITO_SCOPES)?.split(/[\s,]+/).filter(Boolean)
  const options: CognitoAuthOptions = {
    secret: env.SECRET_KEY as string,
    region: env.AWS_REGION as string,
    domain: env.AWS_COGNITO_DOMAIN as string,
    userPoolId: env.AWS_COGNITO_USER_POOL_ID as string,
    clientId: env.AWS_COGNITO_USER_POOL_CLIENT_ID as string,
    clientSecret: present(env.AWS_COGNITO_USER_POOL_CLIENT_SECRET),
    redirectUrl: env.AWS_COGNITO_REDIRECT_URL as string,
    logoutUrl: env.AWS_COGNITO_LOGOUT_URL as string,
    cookieMaxAge: number(env.AWS_COGNITO_COOKIE_AGE_SECONDS),
    issuer: present(env.AWS_COGNITO_ISSUER),
    scopes,
    expirationLeeway: number(env.AWS_COGNITO_EXPIRATION_LEEWAY),
    cookieDomain: present(env.AWS_COGNITO_COOKIE_DOMAIN),
    cookieSameSite: present(env.AWS_COGNITO_COOKIE_SAMESITE)?.toLowerCase() as CognitoAuthOptions['cookieSameSite'],
    refreshFlow: boolean(env.AWS_COGNITO_REFRESH_FLOW_ENABLED),
    refreshCookieMaxAge: number(env.AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS),
    disabled: boolean(env.AWS_COGNITO_DISABLED),
    // A URL, not a client: the plugin imports none, so the app creates it (registration insists it does).
    redisUrl: present(env.REDIS_URL)
  }
  // Drop unset optional keys so defaults apply and spreading over them stays clean.
  for (const key of Object.keys(options) as Array<keyof CognitoAuthOptions>) {
    if (options[key] === undefined) delete options[key]
  }
  return options
}
