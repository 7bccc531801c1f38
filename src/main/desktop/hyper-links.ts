import { resolve } from 'node:path'

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

/**
 * Arguments for app.setAsDefaultProtocolClient. A packaged app registers its own executable. In
 * development the executable is Electron itself, which must be told which app to run, or a
 * clicked link would open a bare Electron.
 */
export function protocolClientArgs(proc: { defaultApp?: boolean; execPath: string; argv: readonly string[] }): [string] | [string, string, string[]] {
  const appPath = proc.argv[1]
  if (proc.defaultApp && appPath) return [LINK_SCHEME, proc.execPath, [resolve(appPath)]]
  return [LINK_SCHEME]
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
