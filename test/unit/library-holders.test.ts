import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { HeldElsewhere, LibraryItem } from '#shared/dto'
import type { Journal } from '../../src/main/journal/journal'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { connect, LibraryPeer, peersPerTest } from '../helpers/library-peer'
import { readAll } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'

// "Held by N peers" with real Corestores piped together: the author's library counts the peers
// that hold every block of both cores of its journal's current version.

describe('who else holds my journal', () => {
  const openPeer = peersPerTest()

  const itemOf = (peer: LibraryPeer, key: string): LibraryItem => peer.library.items().find((item) => item.key === key)!
  const held = (peer: LibraryPeer): HeldElsewhere => itemOf(peer, peer.active.id).heldElsewhere!

  /** The author's side of one connected peer, on the index core. */
  const indexPeerOf = (author: Journal, count: number): boolean => author.drive.core.peers.length === count

  it('is "only here" for a new journal, 1 once a seeder holds it all, 0 again for a new entry until the seeder has it, and 0 when the seeder leaves', async () => {
    const a = await openPeer()
    const journal = a.active
    await journal.addAudioFile(HELLO_MP3, { source: 'import' })
    assert.deepEqual(held(a), { peers: 0, latestSince: null })
    assert.equal(itemOf(a, journal.id).kind, 'own')

    // What the window is told, without asking: each push of the library.
    const pushed: HeldElsewhere[] = []
    a.library.on('library', (items) => pushed.push(items.find((item) => item.key === journal.id)!.heldElsewhere!))
    const lastPushed = (): HeldElsewhere | undefined => pushed.at(-1)

    const b = await openPeer()
    const link = connect(a, b)
    await b.library.add(journal.id)
    await b.library.setSeeding(journal.id, 'seeding')
    await waitFor(() => itemOf(b, journal.id).seeding.complete, 'B holds every block')
    await waitFor(() => lastPushed()?.peers === 1, 'A tells the window B holds it')
    const firstSince = lastPushed()!.latestSince
    assert.ok(firstSince !== null && firstSince <= Date.now(), 'the time the copy was seen')

    // Paused, B keeps what it has but fetches no new audio: the new entry is only here.
    await b.library.setSeeding(journal.id, 'paused')
    await journal.addAudioFile(HELLO_WAV, { source: 'import' })
    assert.deepEqual(held(a), { peers: 0, latestSince: null }, 'the new version is held by nobody yet')
    const followed = b.library.journal(journal.id)
    await waitFor(() => followed.drive.version === journal.drive.version, 'B knows the new version')
    assert.deepEqual(held(a), { peers: 0, latestSince: null }, 'knowing of the version is not holding it')
    await waitFor(() => lastPushed()?.peers === 0, 'A tells the window the new entry is only here')
    assert.equal(lastPushed()!.latestSince, null)

    await b.library.setSeeding(journal.id, 'seeding')
    await waitFor(() => lastPushed()?.peers === 1, 'B holds the new entry too')
    assert.ok(lastPushed()!.latestSince! > firstSince, 'the latest change was copied later than the first')
    assert.deepEqual(held(a), lastPushed())

    const copiedAt = lastPushed()!.latestSince
    await link.close()
    await waitFor(() => lastPushed()?.peers === 0, 'A tells the window B went offline')
    assert.equal(held(a).latestSince, copiedAt, 'the copy B made is still the latest change copied')
  })

  it('does not count a reader that listed the entries and played one of them', async () => {
    const a = await openPeer()
    const journal = a.active
    const first = await journal.addAudioFile(HELLO_MP3, { source: 'import' })
    await journal.addAudioFile(HELLO_WAV, { source: 'import' })
    const reader = await openPeer()
    connect(a, reader)
    await reader.library.add(journal.id)
    const followed = await reader.library.whenReadable(journal.id)
    await waitFor(async () => (await followed.listEntries()).length === 2, 'the reader lists both entries')
    const audio = await followed.openAudio(first.path)
    await readAll(audio.read()).finally(() => audio.close())
    // The whole index too, so only the other entry's audio is missing.
    await followed.drive.core.download({ start: 0, end: journal.drive.core.length }).done()
    await waitFor(() => indexPeerOf(journal, 1) && journal.drive.core.peers[0]!.remoteContiguousLength === journal.drive.core.length, 'A sees the reader holding the whole index')
    assert.equal(itemOf(reader, journal.id).seeding.complete, false)
    assert.deepEqual(held(a), { peers: 0, latestSince: null })
  })

  it('counts each of two seeders, whichever of them the blocks came from', async () => {
    const a = await openPeer()
    const journal = a.active
    await journal.addAudioFile(HELLO_MP3, { source: 'import' })
    const seeders = [await openPeer(), await openPeer()]
    for (const seeder of seeders) {
      connect(a, seeder)
      await seeder.library.add(journal.id)
      await seeder.library.setSeeding(journal.id, 'seeding')
    }
    connect(seeders[0]!, seeders[1]!)
    await waitFor(() => seeders.every((seeder) => itemOf(seeder, journal.id).seeding.complete), 'both seeders hold every block')
    await waitFor(() => held(a).peers === 2, 'A counts both')
    assert.equal(itemOf(a, journal.id).heldElsewhere?.peers, 2)
    assert.equal(itemOf(seeders[0]!, journal.id).heldElsewhere, null, 'someone else’s journal has no holders figure')
  })
})
