import { strict as assert } from 'node:assert'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import wavefile from 'wavefile'
import { ApiError } from '#shared/api'
import type { Collection, EntryDto } from '#shared/dto'
import { COLLECT_PRIVATE_MESSAGE } from '../../src/main/library/collections'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { connect, type LibraryPeer, peersPerTest } from '../helpers/library-peer'
import { audioOf } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'

// A journal of mine collecting from another (the always-on host's private journal) between peers
// in one process: real Corestores piped together, the real library, collector and ledger.

/** What a copied entry may carry: the original's metadata and where it came from, nothing else. */
const ENTRY_FIELDS = ['path', 'mtime', 'durationMs', 'format', 'source', 'title', 'partial', 'callId', 'collectedFrom', 'size', 'blocksDownloaded', 'blocksTotal']

function collection(peer: LibraryPeer, from: string): Collection | undefined {
  return peer.library.item(peer.active.id).collecting?.find((c) => c.from === from)
}

async function pathsOf(peer: LibraryPeer): Promise<string[]> {
  return (await peer.active.listEntries()).map((entry) => entry.path).sort()
}

describe('collecting entries from another journal', () => {
  const openPeer = peersPerTest()

  /** H: the host's private journal with two entries made at known times; A: a desktop collecting from its private link. */
  async function hostAndDesktop(): Promise<{ h: LibraryPeer; a: LibraryPeer; link: string; key: string; written: EntryDto[] }> {
    const h = await openPeer({ firstJournal: 'private' })
    const written = [
      await h.active.addAudioFile(HELLO_MP3, { source: 'record', madeAt: new Date('2024-03-05T10:00:00Z'), title: 'Morning walk', callId: '0123456789abcdef' }),
      await h.active.addAudioFile(HELLO_WAV, { source: 'stream', madeAt: new Date('2025-11-30T23:59:59Z') })
    ]
    const { link, key } = h.library.item(h.active.id)
    const a = await openPeer()
    connect(h, a)
    const item = await a.library.collectFrom(link)
    assert.equal(item.key, a.active.id, 'the active journal collects when none is named')
    await waitFor(async () => (await a.active.listEntries()).length === written.length, 'A holds H’s entries')
    return { h, a, link, key, written }
  }

  it('copies every entry once: same path, audio byte-identical, recording time kept, where it came from recorded', async () => {
    const { h, a, key, written } = await hostAndDesktop()
    const copies = await a.active.listEntries()
    for (const original of written) {
      const copy = copies.find((entry) => entry.path === original.path)
      assert.ok(copy, `${original.path} is in A at the same path`)
      assert.deepEqual(
        [copy.mtime, copy.durationMs, copy.format, copy.source, copy.title, copy.size, copy.callId],
        [original.mtime, original.durationMs, original.format, original.source, original.title, original.size, original.callId]
      )
      assert.deepEqual(copy.collectedFrom, { key, path: original.path })
      for (const field of Object.keys(copy)) assert.ok(ENTRY_FIELDS.includes(field), `a copied entry carries nothing else (${field})`)
      assert.deepEqual(await audioOf(a.active, copy.path), await audioOf(h.active, original.path))
    }
    // The ledger line is written after its entry, so the count can trail the entries by a moment.
    await waitFor(() => collection(a, key)?.entries === 2, 'the count says two')
    const state = collection(a, key)!
    assert.deepEqual([state.entries, state.failures, state.name], [2, [], a.library.item(key).name])
    assert.ok(state.lastAt !== null && state.lastAt <= Date.now())

    const later = await h.active.addAudioFile(HELLO_MP3, { source: 'import', title: 'Later' })
    await waitFor(async () => (await pathsOf(a)).includes(later.path), 'an entry H adds while connected arrives')
    assert.deepEqual(await pathsOf(a), await pathsOf(h))
    await waitFor(() => collection(a, key)?.entries === 3 && collection(a, key)?.state === 'idle', 'the window is told: three came in, nothing to do')
  })

  it('carries on after a restart and after a long time offline, each entry once', async () => {
    const { h, a, link, key } = await hostAndDesktop()
    await a.restart()
    connect(h, a)
    const afterRestart = await h.active.addAudioFile(HELLO_MP3, { source: 'record' })
    await waitFor(async () => (await pathsOf(a)).includes(afterRestart.path), 'an entry added after A restarted arrives')

    for (const peerLink of [...a.links]) await peerLink.close()
    const whileOffline = [await h.active.addAudioFile(HELLO_WAV, { source: 'record' }), await h.active.addAudioFile(HELLO_MP3, { source: 'stream' })]
    await a.restart()
    assert.equal((await a.active.listEntries()).length, 3, 'nothing arrives while offline')
    connect(h, a)
    await waitFor(async () => (await a.active.listEntries()).length === 5, 'both entries made while A was offline arrive')
    for (const entry of whileOffline) assert.ok((await pathsOf(a)).includes(entry.path))
    assert.deepEqual(await pathsOf(a), await pathsOf(h), 'each of H’s entries once, no other')
    await waitFor(() => collection(a, key)?.entries === 5, 'the count says five')
    assert.equal(a.library.item(key).link, link, 'the source stays in the library with its private link')
  })

  it('deletes nothing when the source deletes; an entry deleted here is not collected again', async () => {
    const { h, a, key, written } = await hostAndDesktop()
    const [first, second] = written as [EntryDto, EntryDto]
    await h.active.deleteEntry(first.path)
    await a.active.deleteEntry(second.path)
    const next = await h.active.addAudioFile(HELLO_MP3, { source: 'record' })
    await waitFor(async () => (await pathsOf(a)).includes(next.path), 'a later entry arrives')
    assert.deepEqual(await pathsOf(a), [first.path, next.path].sort(), 'the copy H deleted stays; the one A deleted does not come back')

    await a.restart()
    connect(h, a)
    const last = await h.active.addAudioFile(HELLO_WAV, { source: 'record' })
    await waitFor(async () => (await pathsOf(a)).includes(last.path), 'after a restart, the next entry arrives')
    assert.deepEqual(await pathsOf(a), [first.path, next.path, last.path].sort(), 'and the deleted one still does not come back')
    await waitFor(() => collection(a, key)?.entries === 4, 'the count says four: every entry that came in, the deleted one included')
    assert.deepEqual(await pathsOf(a), [first.path, next.path, last.path].sort(), 'nothing more came in meanwhile')
  })

  it('records an entry that is not audio as failed and collects the rest', async () => {
    const h = await openPeer({ firstJournal: 'private' })
    const badPath = '/recordings/2024/01/not-audio.mp3'
    await h.active.drive.put(badPath, Buffer.from('this is not audio at all'), {
      metadata: { mtime: Date.UTC(2024, 0, 2), durationMs: 1000, format: 'mp3', source: 'import', title: 'Broken' }
    })
    const good = await h.active.addAudioFile(HELLO_MP3, { source: 'record' })
    const a = await openPeer()
    connect(h, a)
    const { link, key } = h.library.item(h.active.id)
    await a.library.collectFrom(link)
    await waitFor(async () => (await pathsOf(a)).includes(good.path), 'the good entry arrives')
    await waitFor(() => collection(a, key)?.failures.length === 1, 'the failure is shown')
    const [failure] = collection(a, key)!.failures
    assert.deepEqual([failure!.path, failure!.title, failure!.retrying], [badPath, 'Broken', false])
    assert.match(failure!.reason, /Not an audio file/)
    assert.deepEqual(await pathsOf(a), [good.path])
    await a.restart()
    assert.equal(collection(a, key)?.failures.length, 1, 'the failure is still shown after a restart')
  })

  it('a copy cut short by closing the app mid-entry ends as exactly one copy', async () => {
    const h = await openPeer({ firstJournal: 'private' })
    const long = join(h.dir, 'long.wav')
    const samples = new Int16Array(16000 * 150).map((_, i) => Math.round(3000 * Math.sin(i / 7)))
    const wav = new wavefile.WaveFile()
    wav.fromScratch(1, 16000, '16', samples)
    await writeFile(long, wav.toBuffer())
    const entry = await h.active.addAudioFile(long, { source: 'stream' })
    assert.ok(entry.size > 4_000_000, 'several MB')
    const { link, key } = h.library.item(h.active.id)

    // A holds the first blocks of the audio, then H goes away: the copy starts and stalls midway.
    const a = await openPeer()
    const toH = connect(h, a)
    await a.library.add(link)
    const source = await a.library.whenReadable(key)
    await waitFor(async () => (await source.listEntries()).length === 1, 'A lists the entry')
    const blob = (await source.drive.entry(entry.path))!.value.blob!
    await (await source.drive.getBlobs()).core.download({ start: blob.blockOffset, end: blob.blockOffset + 8 }).done()
    await toH.close()
    await a.library.collectFrom(link)
    const spool = join(a.dir, 'collect-spool')
    const spooled = async (): Promise<number> => {
      const files = await readdir(spool)
      return files.length === 1 ? (await stat(join(spool, files[0]!))).size : 0
    }
    await waitFor(async () => (await spooled()) >= 8 * 64 * 1024, 'the copy has started and waits for the rest')
    assert.equal((await a.active.listEntries()).length, 0)

    await a.restart()
    connect(h, a)
    await waitFor(async () => (await a.active.listEntries()).length === 1, 'the entry arrives after the restart')
    assert.deepEqual(await audioOf(a.active, entry.path), await readFile(long))
    await waitFor(() => collection(a, key)?.entries === 1 && collection(a, key)?.state === 'idle', 'the ledger has it')
    assert.deepEqual(await readdir(spool), [], 'nothing is left in the spool')
    assert.equal((await a.active.listEntries()).length, 1, 'exactly one copy')
  })

  it('an entry copied just before a crash lost its ledger line is not copied twice', async () => {
    const { h, a, key } = await hostAndDesktop()
    await a.stop()
    const ledger = join(a.dir, 'collecting.log')
    const lines = (await readFile(ledger, 'utf8')).trimEnd().split('\n')
    assert.match(lines.at(-1)!, /"op":"collected"/)
    await writeFile(ledger, lines.slice(0, -1).join('\n') + '\n')
    await a.restart()
    connect(h, a)
    await waitFor(() => collection(a, key)?.entries === 2 && collection(a, key)?.state === 'idle', 'the entry already here is recorded again')
    assert.deepEqual(await pathsOf(a), await pathsOf(h))
  })

  it('stops collecting on request, and stays stopped after a restart', async () => {
    const { a, key } = await hostAndDesktop()
    const item = await a.library.stopCollecting(key)
    assert.deepEqual(item.collecting, [])
    await assert.rejects(a.library.stopCollecting(key), (error: unknown) => error instanceof ApiError && error.code === 'not-found')
    await a.restart()
    assert.deepEqual(a.library.item(a.active.id).collecting, [])
    assert.equal((await a.active.listEntries()).length, 2, 'what came in stays')
  })

  it('refuses a source held blind, a destination it cannot write, and itself', async () => {
    const h = await openPeer({ firstJournal: 'private' })
    await h.active.addAudioFile(HELLO_MP3, { source: 'record' })
    const { key, link } = h.library.item(h.active.id)
    const a = await openPeer()
    connect(h, a)
    await a.library.add(key)
    await waitFor(() => a.library.item(key).kind === 'hosted', 'A holds H blind')
    await assert.rejects(a.library.collectFrom(key), (error: unknown) => error instanceof ApiError && error.code === 'private' && error.message === COLLECT_PRIVATE_MESSAGE)
    assert.deepEqual(a.library.item(a.active.id).collecting, [])

    const followed = await openPeer()
    connect(h, followed)
    await followed.library.add(link)
    await assert.rejects(followed.library.collectFrom(followed.active.id, key), (error: unknown) => error instanceof ApiError && error.code === 'read-only')
    await assert.rejects(a.library.collectFrom(a.active.id), (error: unknown) => error instanceof ApiError && error.code === 'bad-request')
    await assert.rejects(a.library.collectFrom('not a key'), (error: unknown) => error instanceof ApiError && error.code === 'bad-request')
  })
})
