import type { EventEmitter } from 'node:events'
import type { IntakeStatus, PendingDownload } from '#shared/intake'
import type { AppEvents, EntriesAdded } from '../app/app-events'
import type { Settings } from '../app/settings'

/** One desktop notification; clicking it shows the window, at `journal` when given. */
export interface DesktopNotice {
  title: string
  body: string
  journal?: string
}

export type NotificationSwitches = Pick<Settings, 'notifyCallEntries' | 'notifyFailedDownloads' | 'notifyFollowedEntries'>

/** An entry as a person knows it: its title, else its file name without the folders. */
function entryLabel(entry: { path: string; title?: string }): string {
  return entry.title?.trim() || entry.path.split('/').pop() || entry.path
}

/**
 * The notice for new entries, or null when its kind is switched off. Calls land in my own
 * journals; a peer's entries matter in a journal I follow (read-only). Entries that replicate in
 * from my own other device into a writable journal are not news, so they get none.
 */
export function noticeForEntries(added: EntriesAdded, switches: NotificationSwitches): DesktopNotice | null {
  const count = added.entries.length
  const first = added.entries[0]
  if (!first) return null
  if (added.source === 'call') {
    if (!switches.notifyCallEntries) return null
    return {
      title: count === 1 ? 'New entry from a call' : `${count} new entries from calls`,
      body: count === 1 ? `“${entryLabel(first)}” was added to ${added.name}.` : `They were added to ${added.name}.`,
      journal: added.journal
    }
  }
  if (added.writable || !switches.notifyFollowedEntries) return null
  return {
    title: `New in ${added.name}`,
    body: count === 1 ? `“${entryLabel(first)}”` : `${count} new entries`,
    journal: added.journal
  }
}

export function noticeForFailedDownload(download: PendingDownload): DesktopNotice {
  const tries = download.attempts === 1 ? '1 try' : `${download.attempts} tries`
  const reason = download.lastError ? `: ${download.lastError}` : ''
  return {
    title: 'A call recording could not be downloaded',
    body: `Gave up after ${tries}${reason}. Open Voice Journal to retry it.`
  }
}

export interface NotificationCenterOptions {
  services: Pick<EventEmitter<AppEvents>, 'on' | 'off'>
  /** Read at each event, so a switch turned off in Settings applies to the very next one. */
  switches(): NotificationSwitches
  notify(notice: DesktopNotice): void
}

/**
 * Turns the services' events into desktop notifications. A download is announced once when it
 * becomes 'failed' (it has used its last retry); one that was already failed when the app
 * started is in the window's list and not news. A retried download that fails again is.
 */
export class NotificationCenter {
  private readonly failed = new Set<string>()
  private readonly onEntries = (added: EntriesAdded): void => {
    const notice = noticeForEntries(added, this.options.switches())
    if (notice) this.options.notify(notice)
  }
  private readonly onIntake = (status: IntakeStatus): void => this.checkDownloads(status, true)

  constructor(private readonly options: NotificationCenterOptions) {}

  /** `initial`: the intake status at start; its failed downloads are known already. */
  start(initial: IntakeStatus | null): void {
    if (initial) this.checkDownloads(initial, false)
    this.options.services.on('entries-added', this.onEntries)
    this.options.services.on('intake', this.onIntake)
  }

  dispose(): void {
    this.options.services.off('entries-added', this.onEntries)
    this.options.services.off('intake', this.onIntake)
  }

  private checkDownloads(status: IntakeStatus, announce: boolean): void {
    const failedNow = new Set<string>()
    for (const download of status.downloads) {
      if (download.state !== 'failed') continue
      failedNow.add(download.recordingUuid)
      if (this.failed.has(download.recordingUuid)) continue
      this.failed.add(download.recordingUuid)
      if (announce && this.options.switches().notifyFailedDownloads) this.options.notify(noticeForFailedDownload(download))
    }
    // Retried (or finished) downloads leave the set, so failing again is announced again.
    for (const uuid of this.failed) if (!failedNow.has(uuid)) this.failed.delete(uuid)
  }
}
