import type { OpenTarget } from './hyper-links'

/** The one window, as the presenter needs it (the adapter wraps BrowserWindow). */
export interface WindowHandle {
  isDestroyed(): boolean
  /** Un-minimizes, shows and focuses. */
  reveal(): void
  /** Tells the page to show a journal (the `open` event of the contract). */
  sendOpen(target: OpenTarget): void
  /** Runs once the page has loaded (and so subscribed to events). */
  onceLoaded(callback: () => void): void
}

/**
 * Shows the window from outside it — the tray, a notification, a hyper:// link, a second launch —
 * opening a new one if it was closed to the tray. A page still loading has not subscribed to
 * events, so the journal it should show is handed over when it has loaded rather than lost.
 */
export class WindowPresenter {
  private window: WindowHandle | null = null
  private loaded = false
  private pending: OpenTarget | null = null

  constructor(private readonly createWindow: () => WindowHandle) {}

  get current(): WindowHandle | null {
    return this.window && !this.window.isDestroyed() ? this.window : null
  }

  /**
   * `announced`: the services already emitted `open` for this target (AppServices.openLink
   * does), so a loaded page has it and must not get it twice; a loading page missed it.
   */
  show(target?: OpenTarget, { announced = false } = {}): void {
    let window = this.current
    if (!window) {
      window = this.open()
    } else {
      window.reveal()
    }
    if (!target) return
    if (!this.loaded) this.pending = target
    else if (!announced) window.sendOpen(target)
  }

  private open(): WindowHandle {
    const window = this.createWindow()
    this.window = window
    this.loaded = false
    this.pending = null
    window.onceLoaded(() => {
      if (this.window !== window) return
      this.loaded = true
      const target = this.pending
      this.pending = null
      if (target) window.sendOpen(target)
    })
    return window
  }
}
