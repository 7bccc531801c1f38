import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { AppServices } from '../../src/main/app/app-services'
import type { Journal } from '../../src/main/journal/journal'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import type { JournalStatus, LibraryItem } from '#shared/dto'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { readAll } from '../helpers/streams'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'

// Peer A is the built headless app in its own process; peer B runs the same services in this
// process. Different processes on one machine is the case that needs the loopback DHT rule.
// Both are started once; each test writes a journal of its own on A, so none sees another's.
describe('two peers on a local testnet', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let peerA: HeadlessApp
  let peerB: AppServices
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

  /** A new empty public journal on A, made active so A's imports go to it; returns its key. */
  async function newJournalOnA(name: string): Promise<string> {
    const { key } = await peerA.call<LibraryItem>('createJournal', { name, private: false })
    await peerA.call('setActiveJournal', { journal: key })
    return key
  }

  /** B follows A's journal and waits until it lists `count` entries. */
  async function followOnB(key: string, count: number): Promise<Journal> {
    const { item } = await peerB.api.addToLibrary({ link: key })
    assert.equal(item.writable, false)
    // Added by key alone: read once its first block, found over the DHT, shows it is public.
    const journal = await peerB.library.whenReadable(item.key, 20_000)
    await waitFor(async () => (await journal.listEntries()).length === count, `B lists ${count} entries`, 20_000)
    return journal
  }

  it('lists on B an entry added on A, with identical bytes', async () => {
    const key = await newJournalOnA('One entry')
    const added = await peerA.importFile(HELLO_MP3)
    const journalOnB = await followOnB(key, 1)
    const [entry] = await journalOnB.listEntries()
    assert.equal(entry?.path, added.path)
    assert.equal(entry?.durationMs, added.durationMs)
    const audio = await journalOnB.openAudio(added.path)
    const bytes = await readAll(audio.read())
    await audio.close()
    assert.ok(bytes.equals(await readFile(HELLO_MP3)), 'bytes replicated exactly')
  })

  it('sees a later entry arrive live, and both sides count one peer', async () => {
    const key = await newJournalOnA('Live')
    await peerA.importFile(HELLO_MP3)
    const journalOnB = await followOnB(key, 1)
    const added = await peerA.importFile(HELLO_WAV)
    await waitFor(async () => (await journalOnB.listEntries()).some((e) => e.path === added.path), 'B sees the new entry', 20_000)
    assert.equal(journalOnB.drive.core.peers.length, 1)
    const statusOnA = (): Promise<JournalStatus> => peerA.call<JournalStatus>('getStatus', { journal: key })
    await waitFor(async () => (await statusOnA()).peers === 1, 'A counts B', 10_000)
    const statusB = await journalOnB.status()
    assert.equal(statusB.version, (await statusOnA()).version)
  })

  it('refuses writes to a journal that belongs to someone else', async () => {
    const key = await newJournalOnA('Read only')
    await peerA.importFile(HELLO_MP3)
    const journalOnB = await followOnB(key, 1)
    await assert.rejects(journalOnB.addAudioFile(HELLO_MP3, { source: 'import' }), /can be read, not changed/)
  })
})
