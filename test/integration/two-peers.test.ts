import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { AppServices } from '../../src/main/app/app-services'
import type { Journal } from '../../src/main/journal/journal'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import type { JournalStatus } from '#shared/dto'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { readAll } from '../helpers/streams'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'

// Peer A is the built headless app in its own process; peer B runs the same services in this
// process. Different processes on one machine is the case that needs the loopback DHT rule.
describe('two peers on a local testnet', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let peerA: HeadlessApp
  let peerB: AppServices
  let journalOnB: Journal
  const cleanups: Array<() => Promise<void>> = []

  before(async () => {
    network = await startTestnet()
    const dirA = await makeTempDir()
    const dirB = await makeTempDir()
    cleanups.push(dirA.cleanup, dirB.cleanup)
    peerA = await startHeadless(dirA.dir, ['--bootstrap', network.bootstrap])
    peerB = await AppServices.boot({ dataDir: dirB.dir, bootstrap: parseBootstrap(network.bootstrap) })
  })

  after(async () => {
    await peerB?.shutdown()
    await peerA?.stop()
    await network?.testnet.destroy()
    for (const cleanup of cleanups) await cleanup()
  })

  it('lists on B an entry added on A, with identical bytes', async () => {
    const added = await peerA.importFile(HELLO_MP3)
    const { item } = await peerB.api.addToLibrary({ link: peerA.info.key })
    assert.equal(item.writable, false)
    journalOnB = peerB.library.journal(item.key)
    await waitFor(async () => (await journalOnB.listEntries()).length === 1, 'B lists the entry', 20_000)
    const [entry] = await journalOnB.listEntries()
    assert.equal(entry?.path, added.path)
    assert.equal(entry?.durationMs, added.durationMs)
    const audio = await journalOnB.openAudio(added.path)
    const bytes = await readAll(audio.read())
    await audio.close()
    assert.ok(bytes.equals(await readFile(HELLO_MP3)), 'bytes replicated exactly')
  })

  it('sees a later entry arrive live, and both sides count one peer', async () => {
    const added = await peerA.importFile(HELLO_WAV)
    await waitFor(async () => (await journalOnB.listEntries()).some((e) => e.path === added.path), 'B sees the new entry', 20_000)
    assert.equal(journalOnB.drive.core.peers.length, 1)
    await waitFor(async () => (await peerA.call<JournalStatus>('getStatus')).peers === 1, 'A counts B', 10_000)
    const statusB = await journalOnB.status()
    assert.equal(statusB.version, (await peerA.call<JournalStatus>('getStatus')).version)
  })

  it('refuses writes to a journal that belongs to someone else', async () => {
    await assert.rejects(journalOnB.addAudioFile(HELLO_MP3, { source: 'import' }), /can be read, not changed/)
  })
})
