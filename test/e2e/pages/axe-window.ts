import { after, before } from 'node:test'
import type { HeadlessApp } from '../../helpers/headless-process'
import { startTestnet } from '../../helpers/testnet'
import { waitFor } from '../../helpers/wait-for'
import type { JournalPage } from './journal-page'
import { openPeerWindow, type PeerWindowOptions, type WindowSession } from './window-session'

/**
 * A local testnet for the tests of the `describe` this is called in, up before the first and torn
 * down after the last; returns its bootstrap address. The tests share nothing else.
 */
export function sharedTestnet(): () => string {
  let network: Awaited<ReturnType<typeof startTestnet>> | undefined
  before(async () => {
    network = await startTestnet()
  })
  after(() => network?.testnet.destroy())
  return () => {
    if (!network) throw new Error('the testnet is not up: sharedTestnet() must be called inside a describe')
    return network.bootstrap
  }
}

/**
 * A fresh app and window on a shared testnet for one accessibility test, closed whatever happens.
 * No Vonage account (whatever the developer's shell holds), so the window offers simulated calls,
 * and no greeting for those calls to wait through.
 */
export async function withWindow(bootstrap: string, options: PeerWindowOptions, run: (session: WindowSession) => Promise<void>): Promise<void> {
  // A failed preparation is rethrown once the session exists, so that its app is stopped too.
  let prepareError: unknown = null
  const prepare = async (app: HeadlessApp): Promise<void> => {
    try {
      await app.call('saveSettings', { greeting: '' })
      await options.prepare?.(app)
    } catch (error) {
      prepareError = error
    }
  }
  const session = await openPeerWindow(bootstrap, { ...options, env: { VONAGE_APPLICATION_ID: '', VONAGE_PRIVATE_KEY: '', ...options.env }, prepare })
  try {
    if (prepareError !== null) throw prepareError
    await run(session)
  } finally {
    await session.close()
  }
}

/** Waits until the entry list shows `count` rows and has finished loading. */
export async function waitEntriesShown(journal: JournalPage, count: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => (await journal.rows.count()) === count, `${count} entries are listed`, timeoutMs)
  await journal.page.locator('[data-testid="entry-list"][aria-busy="false"]').waitFor()
}
