import { after, afterEach, before } from 'node:test'
import type { Browser } from 'playwright'
import { launchChromium } from '../../helpers/browser'
import { startHeadless, type HeadlessApp } from '../../helpers/headless-process'
import { makeTempDir } from '../../helpers/temp-dir'
import { startTestnet } from '../../helpers/testnet'
import { openAppWindow, type AppWindow } from './window-session'

/** One headless app on the testnet that can go offline and come back on its data directory. */
export interface TestnetPeer {
  /** The current run; replaced by `start`. */
  app: HeadlessApp
  dir: string
  /** Goes offline; the data directory stays. */
  stop(): Promise<void>
  /** Comes back on the same data directory, with the same arguments. */
  start(): Promise<void>
}

export interface TestnetPeers {
  bootstrap(): string
  browser(): Browser
  /** A headless app on the testnet, on a fresh data directory or `dir`; stopped (and a fresh one removed) after the test. */
  startPeer(args?: string[], options?: { dir?: string; env?: NodeJS.ProcessEnv }): Promise<TestnetPeer>
  /** A directory removed after the test. */
  tempDir(prefix?: string): Promise<string>
  openWindow(app: HeadlessApp): Promise<AppWindow>
  /** Runs after the test, newest first, with the peers and windows. */
  onCleanup(cleanup: () => Promise<void>): void
}

/**
 * For a suite of separate people's apps on one loopback testnet (call it inside `describe`):
 * one testnet and one Chromium for the suite, and every test's peers, windows and directories
 * gone after it, so the next test starts on a quiet machine.
 */
export function testnetPeers(): TestnetPeers {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let browser: Browser
  const cleanups: Array<() => Promise<void>> = []
  before(async () => {
    network = await startTestnet()
    browser = await launchChromium()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  after(async () => {
    await browser?.close()
    await network?.testnet.destroy()
  })
  const tempDir = async (prefix?: string): Promise<string> => {
    const { dir, cleanup } = await makeTempDir(prefix)
    cleanups.push(cleanup)
    return dir
  }
  return {
    bootstrap: () => network.bootstrap,
    browser: () => browser,
    tempDir,
    onCleanup: (cleanup) => void cleanups.push(cleanup),
    async startPeer(args = [], options = {}) {
      const temp = options.dir ? null : await makeTempDir()
      const dir = options.dir ?? temp!.dir
      const peer: TestnetPeer = {
        app: await startHeadless(dir, ['--bootstrap', network.bootstrap, ...args], options.env ?? {}),
        dir,
        stop: async () => void (await peer.app.stop()),
        start: async () => void (peer.app = await peer.app.startAgain())
      }
      cleanups.push(async () => {
        await peer.stop()
        await temp?.cleanup()
      })
      return peer
    },
    async openWindow(app) {
      const window = await openAppWindow(browser, app)
      cleanups.push(window.close)
      return window
    }
  }
}
