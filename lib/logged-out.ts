/**
 * Logins ended by `/logout` in this process, until their tokens expire: a copied access-token cookie (or the same
 * token as a bearer) then stops working here at once, instead of at its `exp`. Keyed by `origin_jti`, which every
 * token of one login shares across refreshes. Process-local: each instance learns only of its own logouts.
 */
export class LoggedOutLogins {
  private readonly ended = new Map<string, number>()

  constructor (private readonly maxEntries = 100_000) {}

  add (login: { origin_jti?: string, jti?: string, exp: number }): void {
    const key = login.origin_jti ?? login.jti
    if (key === undefined) return
    if (this.ended.size >= this.maxEntries) this.ended.delete(this.ended.keys().next().value as string)
    this.ended.set(key, login.exp)
  }

  has (login: { origin_jti?: string, jti?: string }, now: number): boolean {
    const key = login.origin_jti ?? login.jti
    if (key === undefined) return false
    const exp = this.ended.get(key)
    if (exp === undefined) return false
    if (exp < now) this.ended.delete(key)
    return exp >= now
  }

  get size (): number {
    return this.ended.size
  }
}
