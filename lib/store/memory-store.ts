import { EndedLogins } from '../ended-logins.js'
import type { End, SharedStore } from './store.js'

/** The default store: this process only. What it guarantees is what one process sees (README, "Running several instances"). */
export class MemoryStore implements SharedStore {
  protected readonly ended = new EndedLogins()

  endedAt (key: string, now: number): number | undefined {
    return this.ended.endedAt(key, now)
  }

  get hasEnds (): boolean {
    return this.ended.size > 0
  }

  /** Records ends locally; false when a live entry was dropped. */
  record (ends: End[], now: number): boolean {
    let kept = true
    for (const { key, until, at } of ends) kept = this.ended.end(key, at, until, now) && kept
    return kept
  }

  async end (ends: End[], now: number): Promise<boolean> {
    return this.record(ends, now)
  }

  load (_keys: string[], _now: number): Promise<void> | undefined {
    return undefined
  }

  async once<T>(_id: string, run: () => Promise<T>): Promise<T> {
    return await run()
  }

  async claimCheck (_id: string, _ms: number): Promise<boolean> {
    return true
  }

  onResync (_listener: () => void): void {}

  async close (): Promise<void> {}
}
