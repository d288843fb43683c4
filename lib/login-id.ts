/**
 * What every token of one login shares across refreshes: Cognito's `origin_jti`, or, for app clients with token
 * revocation turned off (whose tokens carry no `jti` at all), the user and the time they signed in.
 */
export function loginIdOf (claims: { sub: string, origin_jti?: string, auth_time?: number, iat: number }): string {
  return claims.origin_jti ?? `${claims.sub}@${claims.auth_time ?? claims.iat}`
}
