import moment from 'moment'
import type { DestinationStatus, NotifyDestination, OutboxItem, TestNotificationResult } from '#shared/notify'

const DESTINATION_LABELS: Record<NotifyDestination, string> = { slack: 'Slack', webhook: 'Webhook' }

export function destinationLabel(destination: NotifyDestination): string {
  return DESTINATION_LABELS[destination] ?? destination
}

/** "Last message delivered 3 minutes ago", "Nothing delivered yet", relative to `now` (a useNow clock). */
export function lastDeliveredText(status: DestinationStatus, now: number): string {
  if (status.lastDeliveredAt === null) return 'Nothing delivered yet'
  // Clamped to `now`, so a time a moment ahead never reads "in a few seconds".
  return `Last message delivered ${moment(Math.min(status.lastDeliveredAt, now)).from(now)}`
}

/** What is happening to a message not yet acknowledged, in a few words. */
export function outboxStateText(item: OutboxItem, now: number): string {
  switch (item.state) {
    case 'waiting':
      return 'Waiting to send'
    case 'sending':
      return 'Sending…'
    case 'retrying': {
      if (item.nextAttemptAt === undefined) return 'Retrying soon'
      const seconds = Math.ceil((item.nextAttemptAt - now) / 1000)
      if (seconds <= 0) return 'Retrying now…'
      return seconds < 120 ? `Retrying in ${seconds} s` : `Retrying in ${Math.ceil(seconds / 60)} min`
    }
    case 'failed':
      return 'Not delivered'
    default:
      return item.state
  }
}

/** "Slack: delivered · Webhook: the receiver answered 500 …" — one line per destination. */
export function testResultLines(result: TestNotificationResult): Array<{ destination: NotifyDestination; ok: boolean; text: string }> {
  return result.results.map((r) => ({
    destination: r.destination,
    ok: r.outcome === 'delivered',
    text:
      r.outcome === 'delivered'
        ? `${destinationLabel(r.destination)}: delivered`
        : r.outcome === 'failed'
          ? `${destinationLabel(r.destination)}: not delivered — ${r.error ?? 'no reason given'}. It will be retried.`
          : `${destinationLabel(r.destination)}: no answer yet; it is still being sent`
  }))
}
