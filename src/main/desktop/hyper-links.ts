export const LINK_SCHEME = 'hyper'

/** Where a link takes the window: a journal, at a version when the link named one. */
export interface OpenTarget {
  journal: string
  version?: number
}

/**
 * hyper:// links among command-line arguments: how the OS hands a link to a new process
 * (Windows, Linux) and how the single-instance lock passes it to the running one. Only
 * arguments that are links count: Chromium's own switches and the app path never do.
 */
export function linksInArgv(argv: readonly string[]): string[] {
  return argv.filter((arg) => /^hyper:\/\//i.test(arg.trim())).map((arg) => arg.trim())
}

/** Set to 1 to make a development run register itself (Electron and this folder) as the hyper:// handler. */
export const REGISTER_LINKS_ENV = 'VOICE_JOURNAL_REGISTER_LINKS'

export interface LinkRegistrationHost {
  platform: NodeJS.Platform
  /** app.isPackaged */
  packaged: boolean
  execPath: string
  /** app.getAppPath(): the folder Electron was told to run in development. */
  appPath: string
  env: NodeJS.ProcessEnv
}

/**
 * Arguments for app.setAsDefaultProtocolClient, or null when this run must not register.
 *
 * - Linux: never at run time. The installed .desktop file's `MimeType=x-scheme-handler/hyper;`
 *   (electron-builder writes it from `protocols`) is what makes the app the handler. Electron's
 *   registration there sets the desktop file named by CHROME_DESKTOP as the default for the
 *   scheme (GIO's g_app_info_set_as_default_for_type in shell/browser/browser_linux.cc; older
 *   releases ran xdg-settings); run at every start it fails where that file is not installed
 *   under that name and overrides a choice the person made elsewhere.
 * - Packaged (Windows, macOS): the app's own executable.
 * - Development: only when asked (VOICE_JOURNAL_REGISTER_LINKS=1), since the handler would be this
 *   checkout rather than the installed app, and test runs (Playwright launches Electron with its
 *   own switches) would leave it behind. Electron itself is then the executable and must be told
 *   which app to run: app.getAppPath(), not argv[1], which is a switch under Playwright.
 */
export function linkRegistration(host: LinkRegistrationHost): [string] | [string, string, string[]] | null {
  if (host.platform === 'linux') return null
  if (host.packaged) return [LINK_SCHEME]
  if (host.env[REGISTER_LINKS_ENV] !== '1') return null
  return [LINK_SCHEME, host.execPath, [host.appPath]]
}

/** Links come from outside (a web page, any program): show at most this much of one. */
const SHOWN_LINK_CHARS = 80

export function describeLinkError(link: string, error: unknown): string {
  const shown = link.length > SHOWN_LINK_CHARS ? `${link.slice(0, SHOWN_LINK_CHARS)}…` : link
  const reason = error instanceof Error ? error.message : String(error)
  return `Voice Journal could not open ${shown}\n\n${reason}`
}

export interface LinkRouterOptions {
  /** AppServices.openLink: adds the journal to the library and announces it to the window. */
  openLink(link: string): Promise<OpenTarget>
  /** Brings the window forward on the journal once it is in the library. */
  show(target: OpenTarget): void
  /** Tells the person a link could not be opened (a bad key, a broken link). */
  report(message: string): void
}

/**
 * Receives links from every way in (first launch argv, second-instance argv, macOS open-url) and
 * opens them in order. Links that arrive before the services are up (macOS sends open-url before
 * `ready`) wait for `attach`.
 */
export class LinkRouter {
  private options: LinkRouterOptions | null = null
  private readonly waiting: string[] = []
  private chain: Promise<void> = Promise.resolve()

  receive(link: string): void {
    if (!this.options) {
      this.waiting.push(link)
      return
    }
    const options = this.options
    // One at a time: two links clicked quickly open in the order they were clicked.
    this.chain = this.chain.then(async () => {
      try {
        options.show(await options.openLink(link))
      } catch (error) {
        options.report(describeLinkError(link, error))
      }
    })
  }

  attach(options: LinkRouterOptions): void {
    this.options = options
    for (const link of this.waiting.splice(0)) this.receive(link)
  }

  /** Resolves when every link received so far has been opened or reported. */
  settled(): Promise<void> {
    return this.chain
  }
}
