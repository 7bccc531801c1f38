import type { Browser, Page } from 'playwright'
import { launchChromium, recordPageErrors } from '../../helpers/browser'
import { startHeadless, type HeadlessApp } from '../../helpers/headless-process'
import { makeTempDir } from '../../helpers/temp-dir'
import { startTestnet } from '../../helpers/testnet'
import { JournalPage } from './journal-page'

/** The built headless app on a private testnet, and its window open in Chromium. */
export interface WindowSession {
  app: HeadlessApp
  browser: Browser
  page: Page
  journal: JournalPage
  /** Console errors and uncaught exceptions the page has logged so far. */
  errors: string[]
  close(): Promise<void>
}

export async function openWindowSession(env: NodeJS.ProcessEnv = {}, prepare?: (app: HeadlessApp) => Promise<void>): Promise<WindowSession> {
  const network = await startTestnet()
  const data = await makeTempDir()
  const app = await startHeadless(data.dir, ['--bootstrap', network.bootstrap], env)
  await prepare?.(app)
  const browser = await launchChromium()
  const page = await browser.newPage()
  const errors = recordPageErrors(page)
  await page.goto(app.info.uiUrl)
  return {
    app,
    browser,
    page,
    journal: new JournalPage(page),
    errors,
    async close() {
      await browser.close()
      await app.stop()
      await network.testnet.destroy()
      await data.cleanup()
    }
  }
}
