import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { NotificationsStatus, TestNotificationResult } from '#shared/notify'
import { useApi } from '../api/current'
import { followEvent } from '../api/follow-event'
import { errorMessage } from '../format/error'
import { useNoticeStore } from './notices'

/** Messages to the team: each destination's outbox, "Send a test message" and Retry. */
export const useNotificationsStore = defineStore('notifications', () => {
  const status = shallowRef<NotificationsStatus | null>(null)
  const testing = ref(false)
  const testResult = shallowRef<TestNotificationResult | null>(null)
  const testError = ref<string | null>(null)
  const retrying = ref(new Set<string>())

  const destinations = computed(() => status.value?.destinations ?? [])
  const { start, load } = followEvent('notifications', () => useApi().getNotifications(), (next) => (status.value = next), 'Could not read the messages to the team')

  async function sendTest(): Promise<void> {
    if (testing.value) return
    testing.value = true
    testResult.value = null
    testError.value = null
    try {
      testResult.value = await useApi().sendTestNotification()
    } catch (err) {
      testError.value = errorMessage(err)
    } finally {
      testing.value = false
    }
  }

  async function retry(id: string): Promise<void> {
    if (retrying.value.has(id)) return
    retrying.value.add(id)
    try {
      await useApi().retryNotification({ id })
    } catch (err) {
      useNoticeStore().report(err, 'Could not retry the message')
    } finally {
      retrying.value.delete(id)
    }
  }

  return { status, destinations, testing, testResult, testError, retrying, start, load, sendTest, retry }
})
