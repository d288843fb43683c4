/** Milliseconds from now until `url/claims` refuses `headers` (401), asking again at once after each 200; throws past 2 s. */
export async function msUntilRefused (url: string, headers: Record<string, string>): Promise<number> {
  const start = performance.now()
  for (;;) {
    const res = await fetch(`${url}/claims`, { headers })
    await res.arrayBuffer()
    if (res.status === 401) return performance.now() - start
    if (res.status !== 200) throw new Error(`unexpected status ${res.status}`)
    if (performance.now() - start > 2000) throw new Error('never refused')
  }
}

/** The value at fraction `p` of the sorted samples (nearest rank). */
export const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] as number
