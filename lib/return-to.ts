/**
 * The path to send the browser back to after login, or undefined when `value` is not a plain same-origin path.
 * Refuses `//host`, `/\host`, schemes, control characters and whitespace, raw or percent-encoded.
 */
export function safeReturnTo (value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048 || !value.startsWith('/')) return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(value)
  } catch {
    return undefined
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\]/.test(decoded) || decoded.startsWith('//')) return undefined
  // Returned as given: normalising dot segments could turn `/a/../..//evil` into a protocol-relative `//evil`.
  return value
}
