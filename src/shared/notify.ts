/** Telling the team: where messages go and what is still on its way, as the window sees it. */

export const NOTIFY_DESTINATIONS = ['slack', 'webhook'] as const
export type NotifyDestination = (typeof NOTIFY_DESTINATIONS)[number]

export type OutboxState = 'waiting' | 'sending' | 'retrying' | 'failed'

/** A message not yet acknowledged by its receiver (a 2xx answer). */
export interface OutboxItem {
  id: string
  destination: NotifyDestination
  /** What the message says, in one line ("Missed call: the caller hung up after waiting 40 s"). */
  summary: string
  state: OutboxState
  attempts: number
  createdAt: number
  lastError?: string
  /** When the next attempt is due (retrying). */
  nextAttemptAt?: number
}

export interface DestinationStatus {
  destination: NotifyDestination
  /** An address is set, so new events go there. */
  configured: boolean
  /** The last time a receiver acknowledged a message; null: never (as far as this data folder knows). */
  lastDeliveredAt: number | null
  /** Messages waiting, being sent or waiting to retry. */
  pending: number
  /** The oldest pending messages (at most LIST_SHOWN), for the window's list. */
  waiting: OutboxItem[]
  /** Messages that used every attempt (the oldest, at most LIST_SHOWN); they stay until retried. */
  failed: OutboxItem[]
  /** All the failed ones. */
  failedCount: number
}

/** At most this many pending, and this many failed, messages per destination travel to the window (counts say the rest). */
export const LIST_SHOWN = 20

export interface NotificationsStatus {
  destinations: DestinationStatus[]
}

/** What "Send a test message" found, per destination that has an address. */
export interface TestNotificationResult {
  results: Array<{
    destination: NotifyDestination
    /** 'delivered': acknowledged; 'failed': the first attempt failed (it is retried like any message); 'pending': no answer yet. */
    outcome: 'delivered' | 'failed' | 'pending'
    error?: string
  }>
}
