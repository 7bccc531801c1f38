import { onScopeDispose, ref, type Ref } from 'vue'

/** A clock that ticks coarsely, so relative times ("2 minutes ago") re-render without a timer each. */
export function useNow(intervalMs = 30_000): Ref<number> {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), intervalMs)
  onScopeDispose(() => clearInterval(timer))
  return now
}
