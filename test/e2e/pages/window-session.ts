import type { Browser, Page } from 'playwright'
import { launchChromium, recordPageErrors } from '../../helpers/browser'
import { startHeadless, type HeadlessApp } from '../../helpers/headless-process'
import { makeTempDir } from '../../helpers/temp-dir'
import { startTestnet } from '../../helpers/testnet'
import { JournalPage } from './journal-page'

/** The built headless app on a private testnet, and its window open in Chromium. */
export interface WindowSession {
  /** Replaced by `restart`, so read it from the session each time. */
  app: HeadlessApp
  browser: Browser
  page: Page
  journal: JournalPage
  /** Console errors and uncaught exceptions the page has logged so far. */
  errors: string[]
  /** Stops the app (SIGTERM), starts it again on the same data directory and reloads the window. */
  restart(): Promise<void>
  close(): Promise<void>
}

export interface PeerWindowOptions {
  env?: NodeJS.ProcessEnv
  /** Runs once the app is up, before the window opens (e.g. to import files through the API). */
  prepare?: (app: HeadlessApp) => Promise<void>
  /** More command-line arguments for the app, e.g. ['--seed', KEY]. */
  args?: string[]
  /** A Chromium shared by several sessions: the session opens a context of its own and closes only that. */
  browser?: Browser
}

/** A window on a running app. */
export interface AppWindow {
  page: Page
  journal: JournalPage
  /** Console errors and uncaught exceptions the page has logged so far. */
  errors: string[]
  close(): Promise<void>
}

/**
 * Opens the app's window in a browser context of its own (its own session storage, so its own
 * token), as a second window or a second person would.
 */
export async function openAppWindow(browser: Browser, app: HeadlessApp): Promise<AppWindow> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } })
  const page = await context.newPage()
  const errors = recordPageErrors(page)
  await page.goto(app.info.uiUrl)
  return { page, journal: new JournalPage(page), errors, close: () => context.close() }
}

/** One app and its window on a testnet of its own; closing it tears the testnet down too. */
export async function openWindowSession(env: NodeJS.ProcessEnv = {}, prepare?: (app: HeadlessApp) => Promise<void>): Promise<WindowSession> {
  const network = await startTestnet()
  const session = await openPeerWindow(network.bootstrap, { env, prepare })
  const closePeer = session.close
  session.close = async () => {
    await closePeer()
    await network.testnet.destroy()
  }
  return session
}

/**
 * One peer of a shared testnet: its own data directory, app process and Chromium. Several of
 * these on one bootstrap list find each other, as separate people's apps would.
 */
export async function openPeerWindow(bootstrap: string, options: PeerWindowOptions = {}): Promise<WindowSession> {
  const data = await makeTempDir()
  const args = ['--bootstrap', bootstrap, ...(options.args ?? [])]
  const start = (): Promise<HeadlessApp> => startHeadless(data.dir, args, options.env ?? {})
  const app = await start()
  await options.prepare?.(app)
  const browser = options.browser ?? (await launchChromium())
  const window = await openAppWindow(browser, app)
  const { page, errors } = window
  const session: WindowSession = {
    app,
    browser,
    page,
    journal: new JournalPage(page),
    errors,
    async restart() {
      await session.app.stop()
      session.app = await start()
      // The old page's event socket dies with the old process; a fresh load gets the new token.
      await page.goto(session.app.info.uiUrl)
    },
    async close() {
      if (options.browser) await window.close()
      else await browser.close()
      await session.app.stop()
      await data.cleanup()
    }
  }
  return session
}
