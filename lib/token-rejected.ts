/** Why a token was refused; never thrown for infrastructure trouble, which is `JwksUnavailableError`. */
export class TokenRejected extends Error {
  constructor (reason: string, readonly expired = false) { super(reason) }
}
