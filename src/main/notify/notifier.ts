import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { NOTIFY_DESTINATIONS, LIST_SHOWN, type NotificationsStatus, type NotifyDestination, type TestNotificationResult } from '#shared/notify'
import type { Settings, SettingsField } from '#shared/settings-schema'
import { logger } from '../app/logging'
import { teamEventText } from './event-text'
import { Outbox, type OutboxMessage } from './outbox'
import { DELIVERY_TIMEOUT_MS, DeliveryError, postMessage } from './post-message'
import type { RetryPolicy } from './retry-policy'
import { signatureHeaders, webhookBody } from './signed-webhook'
import { slackMessage } from './slack-message'
import type { TeamEvent } from './team-event'

const log = logger('notify')

/** Status pushes to the window are coalesced: a burst of messages is one update. */
const PUSH_DELAY_MS = 250

/** The switch that lets each kind of event out; the test message always goes. */
const EVENT_SWITCHES: Record<Exclude<TeamEvent['type'], 'test'>, SettingsField & `tellTeam${string}`> = {
  'call-started': 'tellTeamCallStarted',
  'call-answered': 'tellTeamCallAnswered',
  'call-missed': 'tellTeamCallMissed',
  'entry-added': 'tellTeamEntryAdded',
  'download-failed': 'tellTeamDownloadFailed'
}

export interface NotifierOptions {
  dataDir: string
  /** The settings in force, read at every event and every attempt (a changed address applies at once). */
  settings: () => Settings
  retry?: RetryPolicy
  /** How long a receiver gets to answer one attempt. */
  timeoutMs?: number
}

/**
 * Tells the team: each event becomes one message per destination that has an address (Slack,
 * the signed webhook), queued in a durable outbox and delivered in the background. `publish`
 * never waits and never throws, so no webhook reply or call ever waits on a chat service.
 */
export class Notifier extends EventEmitter<{ notifications: [NotificationsStatus] }> {
  private pushTimer: NodeJS.Timeout | null = null

  private constructor(
    private readonly options: NotifierOptions,
    private readonly outbox: Outbox
  ) {
    super()
    outbox.on('change', () => this.schedulePush())
  }

  static async boot(options: NotifierOptions): Promise<Notifier> {
    let notifier: Notifier | null = null
    const outbox = await Outbox.open({
      file: join(options.dataDir, 'notify', 'outbox.log'),
      ...(options.retry ? { retry: options.retry } : {}),
      send: (message, signal) => notifier!.send(message, signal)
    })
    notifier = new Notifier(options, outbox)
    return notifier
  }

  /** Hands an event over for delivery; returns at once. Failures are logged, never thrown at the caller. */
  publish(event: TeamEvent): void {
    this.enqueue(event).catch((error: unknown) => log.error({ err: error, type: event.type }, 'cannot queue a message to the team'))
  }

  /** The messages an event makes, each on disk when this resolves (before any is sent). */
  async enqueue(event: TeamEvent): Promise<OutboxMessage[]> {
    const settings = this.options.settings()
    if (event.type !== 'test' && !settings[EVENT_SWITCHES[event.type]]) return []
    const shown = withoutHiddenFields(event, settings)
    const messages = configuredDestinations(settings).map((destination) => makeMessage(destination, shown))
    await Promise.all(messages.map((message) => this.outbox.add(message)))
    return messages
  }

  status(): NotificationsStatus {
    const settings = this.options.settings()
    const configured = new Set(configuredDestinations(settings))
    const items = this.outbox.list()
    return {
      destinations: NOTIFY_DESTINATIONS.map((destination) => {
        const mine = items.filter((item) => item.destination === destination)
        const pending = mine.filter((item) => item.state !== 'failed')
        const failed = mine.filter((item) => item.state === 'failed')
        return {
          destination,
          configured: configured.has(destination),
          lastDeliveredAt: this.outbox.lastDeliveredAt(destination),
          pending: pending.length,
          waiting: pending.slice(0, LIST_SHOWN),
          failed: failed.slice(0, LIST_SHOWN),
          failedCount: failed.length
        }
      })
    }
  }

  /**
   * "Send a test message": one through the outbox to every destination with an address, like any
   * event, and what its first attempt found. One that fails is retried like any other message.
   */
  async sendTest(): Promise<TestNotificationResult> {
    const outcomes = new Map<string, { outcome: 'delivered' | 'failed'; error?: string }>()
    let expected: string[] | null = null
    let allAnswered!: () => void
    const answered = new Promise<void>((resolve) => (allAnswered = resolve))
    const onAttempt = (id: string, error: string | null): void => {
      if (!outcomes.has(id)) outcomes.set(id, error === null ? { outcome: 'delivered' } : { outcome: 'failed', error })
      if (expected?.every((expectedId) => outcomes.has(expectedId))) allAnswered()
    }
    this.outbox.on('attempted', onAttempt)
    let timer: NodeJS.Timeout | undefined
    try {
      const messages = await this.enqueue({ type: 'test', at: Date.now() })
      const ids = messages.map((message) => message.id)
      expected = ids
      if (ids.every((id) => outcomes.has(id))) allAnswered()
      // A receiver that never answers is cut off by the attempt's own timeout; this is only a backstop.
      const limit = (this.options.timeoutMs ?? DELIVERY_TIMEOUT_MS) + 2000
      await Promise.race([answered, new Promise((resolve) => (timer = setTimeout(resolve, limit)))])
      return {
        results: messages.map((message) => ({ destination: message.destination, ...(outcomes.get(message.id) ?? { outcome: 'pending' as const }) }))
      }
    } finally {
      clearTimeout(timer)
      this.outbox.off('attempted', onAttempt)
    }
  }

  /** Sends a failed message again now; false when no such message is waiting. */
  retry(id: string): boolean {
    return this.outbox.retryNow(id)
  }

  async close(): Promise<void> {
    if (this.pushTimer) clearTimeout(this.pushTimer)
    await this.outbox.close()
  }

  private async send(message: OutboxMessage, signal: AbortSignal): Promise<void> {
    const settings = this.options.settings()
    if (message.destination === 'slack') {
      if (!settings.notifySlackUrl) throw new DeliveryError('No Slack webhook URL is set any more', false)
      return postMessage(settings.notifySlackUrl, message.body, {}, signal, this.options.timeoutMs)
    }
    if (!settings.notifyWebhookUrl) throw new DeliveryError('No webhook URL is set any more', false)
    const headers = signatureHeaders(settings.notifyWebhookSecret, message.body)
    return postMessage(settings.notifyWebhookUrl, message.body, headers, signal, this.options.timeoutMs)
  }

  private schedulePush(): void {
    if (this.pushTimer) return
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null
      this.emit('notifications', this.status())
    }, PUSH_DELAY_MS)
  }
}

function configuredDestinations(settings: Settings): NotifyDestination[] {
  return NOTIFY_DESTINATIONS.filter((destination) => (destination === 'slack' ? settings.notifySlackUrl : settings.notifyWebhookUrl) !== '')
}

/** The caller's number leaves this computer only when the user said staff may see it. */
function withoutHiddenFields(event: TeamEvent, settings: Settings): TeamEvent {
  if (event.type !== 'call-started' || settings.showCallerNumber || event.callerNumber === undefined) return event
  const { callerNumber: _hidden, ...rest } = event
  return rest
}

function makeMessage(destination: NotifyDestination, event: TeamEvent): OutboxMessage {
  const id = randomUUID()
  return {
    id,
    destination,
    body: destination === 'slack' ? JSON.stringify(slackMessage(event)) : webhookBody(id, event),
    summary: teamEventText(event, 'plain'),
    createdAt: Date.now()
  }
}
