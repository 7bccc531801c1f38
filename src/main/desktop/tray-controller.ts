import type { EventEmitter } from 'node:events'
import type { LibraryItem } from '#shared/dto'
import type { AppEvents } from '../app/app-events'
import { timeAgo } from './tray-held'
import { summarizeLibrary, trayMenuTemplate, trayToolTip, type TrayMenuItem } from './tray-menu'

/** The tool tip's "last change copied 3 minutes ago" is redrawn this often, as it ages. */
const TOOL_TIP_REFRESH_MS = 60_000

/** What the controller needs of Electron's Tray (the adapter wraps Tray and Menu.buildFromTemplate). */
export interface TrayPort {
  setMenu(template: TrayMenuItem[]): void
  setToolTip(text: string): void
  destroy(): void
}

/** What it needs of the services: the library, its event and the seeding switches. */
export interface TrayServices extends Pick<EventEmitter<AppEvents>, 'on' | 'off'> {
  api: { listLibrary(): Promise<LibraryItem[]> }
  pauseAllSeeding(): Promise<void>
  resumeAllSeeding(): Promise<void>
}

export interface TrayControllerOptions {
  tray: TrayPort
  services: TrayServices
  /** Shows the window (creating it if it was closed). */
  open(): void
  quit(): void
  /** A failed pause/resume or library read; the tray itself has nowhere to show it. */
  onError(message: string, error: unknown): void
}

/**
 * Keeps the tray's menu and tooltip in step with the library. 'library' fires on every seeding
 * progress tick; the menu is rebuilt only when one of its lines actually changes, since
 * rebuilding closes an open menu on some platforms.
 */
export class TrayController {
  private rendered = ''
  private toolTip = ''
  private items: readonly LibraryItem[] = []
  private disposed = false
  private readonly onLibrary = (items: LibraryItem[]): void => this.render(items)
  private readonly ageing = setInterval(() => this.render(this.items), TOOL_TIP_REFRESH_MS).unref()

  constructor(
    private readonly options: TrayControllerOptions,
    private readonly now: () => number = Date.now
  ) {}

  async start(): Promise<void> {
    this.options.services.on('library', this.onLibrary)
    // Until the first read answers, the tray still offers Open and Quit.
    this.render([])
    try {
      this.render(await this.options.services.api.listLibrary())
    } catch (error) {
      this.options.onError('Could not read the library for the tray', error)
    }
  }

  render(items: readonly LibraryItem[]): void {
    if (this.disposed) return
    this.items = items
    const summary = summarizeLibrary(items)
    const template = trayMenuTemplate(summary, {
      open: () => this.options.open(),
      pauseAll: () => this.run('Could not pause seeding', () => this.options.services.pauseAllSeeding()),
      resumeAll: () => this.run('Could not resume seeding', () => this.options.services.resumeAllSeeding()),
      quit: () => this.options.quit()
    })
    const now = this.now()
    const toolTip = trayToolTip(summary, (at) => timeAgo(at, now))
    const key = JSON.stringify(template.map((item) => [item.id, item.label, item.enabled]))
    if (key !== this.rendered) {
      this.rendered = key
      this.options.tray.setMenu(template)
    }
    if (toolTip !== this.toolTip) {
      this.toolTip = toolTip
      this.options.tray.setToolTip(toolTip)
    }
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    clearInterval(this.ageing)
    this.options.services.off('library', this.onLibrary)
    this.options.tray.destroy()
  }

  private run(message: string, action: () => Promise<void>): void {
    // The 'library' event that follows the change redraws the menu; only failures need a word here.
    action().catch((error: unknown) => this.options.onError(message, error))
  }
}
