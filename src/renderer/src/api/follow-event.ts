import type { ApiEventName, ApiEvents } from '#shared/api'
import { useNoticeStore } from '../stores/notices'
import { useApi } from './current'

export interface FollowedValue {
  /** Subscribes once, then fetches the current value. */
  start(): Promise<void>
  /** Fetches the current value again. */
  load(): Promise<void>
}

/**
 * Keeps a store's value current from a pushed event plus a fetch of the whole value. An event
 * that arrives while a fetch is in flight is newer than the fetch's answer, so that answer is dropped.
 */
export function followEvent<E extends ApiEventName>(
  event: E,
  fetchCurrent: () => Promise<ApiEvents[E]>,
  apply: (value: ApiEvents[E]) => void,
  failure: string
): FollowedValue {
  let started = false
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    try {
      const value = await fetchCurrent()
      if (mine === generation) apply(value)
    } catch (err) {
      useNoticeStore().report(err, failure)
    }
  }

  async function start(): Promise<void> {
    if (started) return
    started = true
    useApi().on(event, (value) => {
      generation++
      apply(value)
    })
    await load()
  }

  return { start, load }
}
