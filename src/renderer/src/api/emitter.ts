import type { ApiEventName, ApiEvents } from '#shared/api'

type Listener<E extends ApiEventName> = (payload: ApiEvents[E]) => void

/** Fans one transport's events out to any number of subscribers. */
export function createEmitter() {
  const listeners = new Map<ApiEventName, Set<Listener<ApiEventName>>>()

  function on<E extends ApiEventName>(event: E, listener: Listener<E>): () => void {
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(listener as Listener<ApiEventName>)
    return () => set.delete(listener as Listener<ApiEventName>)
  }

  function emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of listeners.get(event) ?? []) {
      // One faulty subscriber must not starve the others of the event.
      try {
        listener(payload)
      } catch (err) {
        queueMicrotask(() => {
          throw err
        })
      }
    }
  }

  /** Whether anyone listens, so a resync fetches only what somebody will use. */
  function has(event: ApiEventName): boolean {
    return (listeners.get(event)?.size ?? 0) > 0
  }

  return { on, emit, has }
}
