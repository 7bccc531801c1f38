import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { IntakeMode, IntakeStatus } from '#shared/intake'
import { useApi } from '../api/current'
import { followEvent } from '../api/follow-event'
import { useJournalStore } from './journal'
import { useNoticeStore } from './notices'

/** How long "Call placed" stays after a simulated call was accepted. */
const CONFIRMATION_MS = 6000

/** Calls coming in right now and recordings still on their way into the journal. */
export const useIntakeStore = defineStore('intake', () => {
  const status = shallowRef<IntakeStatus | null>(null)
  /**
   * Per live call: its `elapsedMs` and the local time that value first arrived. Live calls tick on
   * from there by the local clock; an event that repeats the same value (a download changed,
   * nothing about the call) must not restart the count.
   */
  const anchors = shallowRef<Record<string, { elapsedMs: number; at: number }>>({})
  const retrying = ref(new Set<string>())
  const simulating = ref(false)
  const simulated = ref<{ callUuid: string; mode: IntakeMode } | null>(null)

  const liveCalls = computed(() => status.value?.liveCalls ?? [])
  const downloads = computed(() => status.value?.downloads ?? [])
  const busy = computed(() => liveCalls.value.length > 0 || downloads.value.length > 0)

  let confirmationTimer: ReturnType<typeof setTimeout> | undefined
  const { start, load } = followEvent('intake', () => useApi().getIntakeStatus(), apply, 'Could not read incoming calls')

  function apply(next: IntakeStatus): void {
    const before = status.value
    const now = Date.now()
    const previous = anchors.value
    anchors.value = Object.fromEntries(
      next.liveCalls.map((call) => {
        const known = previous[call.callId]
        return [call.callId, known && known.elapsedMs === call.elapsedMs ? known : { elapsedMs: call.elapsedMs, at: now }]
      })
    )
    status.value = next
    if (!before) return
    // A call or download that just finished left an entry behind; the status event brings it
    // too, but asking once more costs little and covers a missed event.
    const liveNow = new Set(next.liveCalls.map((c) => c.callId))
    const pendingNow = new Set(next.downloads.map((d) => d.recordingUuid))
    const finished =
      before.liveCalls.some((c) => !liveNow.has(c.callId)) || before.downloads.some((d) => !pendingNow.has(d.recordingUuid))
    if (finished) useJournalStore().refreshSoon()
  }

  async function retry(recordingUuid: string): Promise<void> {
    if (retrying.value.has(recordingUuid)) return
    retrying.value.add(recordingUuid)
    try {
      await useApi().retryDownload({ recordingUuid })
    } catch (err) {
      useNoticeStore().report(err, 'Could not retry the download')
    } finally {
      retrying.value.delete(recordingUuid)
    }
  }

  async function simulate(mode: IntakeMode): Promise<void> {
    if (simulating.value) return
    simulating.value = true
    simulated.value = null
    clearTimeout(confirmationTimer)
    try {
      const { callUuid } = await useApi().simulateCall({ mode })
      simulated.value = { callUuid, mode }
      confirmationTimer = setTimeout(() => (simulated.value = null), CONFIRMATION_MS)
    } catch (err) {
      useNoticeStore().report(err, 'Could not simulate a call')
    } finally {
      simulating.value = false
    }
  }

  return { status, anchors, liveCalls, downloads, busy, retrying, simulating, simulated, start, load, retry, simulate }
})
