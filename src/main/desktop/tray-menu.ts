import type { HeldElsewhere, LibraryItem } from '#shared/dto'
import { heldLabel, type TimeAgo } from './tray-held'

/** What the tray tells at a glance about the library. */
export interface LibrarySummary {
  journals: number
  /** Journals whose seeding switch is on. */
  seeding: number
  paused: number
  /** Seeding journals that do not hold every block yet. */
  downloading: number
  /** Bytes held / known of those still downloading, for one overall percentage. */
  downloadedBytes: number
  totalBytes: number
  /**
   * Peers summed over the journals: each journal has its own swarm topic, so someone who reads
   * two of them is two connections — which is what "keeping them online" costs and gives.
   */
  peers: number
  /** Each journal we write: who else holds a full copy. */
  held: HeldElsewhere[]
}

export function summarizeLibrary(items: readonly LibraryItem[]): LibrarySummary {
  const summary: LibrarySummary = { journals: items.length, seeding: 0, paused: 0, downloading: 0, downloadedBytes: 0, totalBytes: 0, peers: 0, held: [] }
  for (const item of items) {
    summary.peers += item.peers
    if (item.heldElsewhere) summary.held.push(item.heldElsewhere)
    if (item.seeding.state === 'paused') summary.paused++
    if (item.seeding.state !== 'seeding') continue
    summary.seeding++
    if (!item.seeding.complete) {
      summary.downloading++
      summary.downloadedBytes += item.seeding.bytesDownloaded
      summary.totalBytes += item.seeding.bytesTotal
    }
  }
  return summary
}

/** The subset of Electron's MenuItemConstructorOptions the tray uses (tests read it as plain data). */
export interface TrayMenuItem {
  id?: string
  label?: string
  type?: 'normal' | 'separator'
  enabled?: boolean
  click?: () => void
}

export interface TrayActions {
  open(): void
  pauseAll(): void
  resumeAll(): void
  quit(): void
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

export function peersLabel(summary: LibrarySummary): string {
  return summary.peers === 0 ? 'No peers connected' : `${plural(summary.peers, 'peer')} connected`
}

export function seedingLabel(summary: LibrarySummary): string {
  if (summary.journals === 0) return 'No journals'
  const paused = summary.paused > 0 ? ` · ${summary.paused} paused` : ''
  if (summary.seeding === 0) return `Not seeding${paused}`
  return `Seeding ${summary.seeding} of ${plural(summary.journals, 'journal')}${paused}`
}

/** "Downloading 2 journals · 45%", or null when everything seeded is complete. */
export function downloadingLabel(summary: LibrarySummary): string | null {
  if (summary.downloading === 0) return null
  // A journal whose size is not known yet counts as 0% rather than hiding the line.
  const percent = summary.totalBytes > 0 ? Math.floor((summary.downloadedBytes / summary.totalBytes) * 100) : 0
  return `Downloading ${plural(summary.downloading, 'journal')} · ${percent}%`
}

/** The tool tip says when the last change was copied; the controller redraws it as that time ages. */
export function trayToolTip(summary: LibrarySummary, ago?: TimeAgo): string {
  const held = heldLabel(summary.held, ago)
  return `Voice Journal — ${held ? `${lowerFirst(held)}, ` : ''}${seedingLabel(summary).toLowerCase()}, ${peersLabel(summary).toLowerCase()}`
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1)

/**
 * The tray menu: status lines (disabled, they are information), then the actions. "Pause all"
 * shows while anything seeds and "Resume all" while anything is paused, so a mixed library offers
 * both and an idle one neither.
 */
export function trayMenuTemplate(summary: LibrarySummary, actions: TrayActions): TrayMenuItem[] {
  const downloading = downloadingLabel(summary)
  // No time in the menu: an ageing "3 minutes ago" would rebuild it, closing it under the pointer.
  const held = heldLabel(summary.held)
  const menu: TrayMenuItem[] = [
    ...(held ? [{ id: 'held', label: held, enabled: false }] : []),
    { id: 'peers', label: peersLabel(summary), enabled: false },
    { id: 'seeding', label: seedingLabel(summary), enabled: false },
    ...(downloading ? [{ id: 'downloading', label: downloading, enabled: false }] : []),
    { type: 'separator' },
    { id: 'open', label: 'Open Voice Journal', click: actions.open }
  ]
  if (summary.seeding > 0) menu.push({ id: 'pause-all', label: 'Pause all seeding', click: actions.pauseAll })
  if (summary.paused > 0) menu.push({ id: 'resume-all', label: 'Resume all seeding', click: actions.resumeAll })
  menu.push({ type: 'separator' }, { id: 'quit', label: 'Quit Voice Journal', click: actions.quit })
  return menu
}
