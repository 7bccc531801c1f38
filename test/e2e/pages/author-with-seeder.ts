import { after, before } from 'node:test'
import { HELLO_MP3 } from '../../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../../helpers/headless-process'
import { makeTempDir } from '../../helpers/temp-dir'
import { startTestnet } from '../../helpers/testnet'
import { openPeerWindow, type WindowSession } from './window-session'

/**
 * For a suite (call it inside `describe`) of the author's window in Chromium, with one entry,
 * and an always-on host that a test starts seeding its journal (`serve --seed <link>`, a separate
 * process), on one loopback testnet; everything goes after the suite.
 */
export function authorWithSeeder(): { author(): WindowSession; startSeeder(link: string): Promise<HeadlessApp> } {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let author: WindowSession
  let seeder: { app: HeadlessApp; cleanup: () => Promise<void> } | null = null
  before(async () => {
    network = await startTestnet()
    author = await openPeerWindow(network.bootstrap, { prepare: async (app) => void (await app.importFile(HELLO_MP3)) })
  })
  after(async () => {
    await seeder?.app.stop()
    await seeder?.cleanup()
    await author?.close()
    await network?.testnet.destroy()
  })
  return {
    author: () => author,
    async startSeeder(link) {
      const data = await makeTempDir()
      seeder = { app: await startHeadless(data.dir, ['--bootstrap', network.bootstrap, '--seed', link]), cleanup: data.cleanup }
      return seeder.app
    }
  }
}
