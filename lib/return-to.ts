/**
 * Longest returnTo a pending login stores. Three pending logins sit in the session cookie next to the login's own
 * cookies, and all of them together must stay under 8 KB (nginx's default header line) whatever `/login` is asked.
 */
export const MAX_RETURN_TO = 512

/**
 * The path to send the browser back to after login, or undefined when `value` is not a plain same-origin path or
 * is longer than `MAX_RETURN_TO` once encoded. Refuses `//host`, `/\host`, schemes, control characters and
 * whitespace, raw or percent-encoded. Characters outside ASCII come back percent-encoded, since `Location` cannot
 * carry them (a raw `€` there is a 500 after the code was spent).
 */
export function safeReturnTo (value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_RETURN_TO || !value.startsWith('/')) return undefined
  let decoded: string
  let encoded: string
  try {
    decoded = decodeURIComponent(value)
    encoded = value.replace(/[^\x21-\x7e]+/g, encodeURIComponent)
  } catch {
    return undefined
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\]/.test(decoded) || decoded.startsWith('//') || encoded.length > MAX_RETURN_TO) return undefined
  // Returned as given: normalising dot segments could turn `/a/../..//evil` into a protocol-relative `//evil`.
  return encoded
}
