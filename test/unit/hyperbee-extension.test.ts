import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { afterEach, describe, it } from 'node:test'
import { decode as decodeKey } from 'hypercore-id-encoding'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { peersPerTest } from '../helpers/library-peer'
import { RelayStore } from '../helpers/relay-store'
import { readAll } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'

// Hyperbee's cache-warming extension sends the path a reader is waiting for, in plain text, to
// every connected peer (hyperbee/lib/extension.js: `get` and `iterator` messages). A relay peer that listens on that extension
// must hear nothing while a reader lists and plays a journal through it.
const ENTRIES = 60

describe('the Hyperbee extension is off in every journal the app opens', () => {
  const openPeer = peersPerTest()
  afterEach(() => RelayStore.closeAll())

  it('a relay that logs extension messages receives none while a reader lists and plays through it', async () => {
    const author = await openPeer()
    // Enough entries that the index is a tree of many blocks: a reader has to wait for some of
    // them, which is when the extension would speak.
    const written = []
    for (let i = 0; i < ENTRIES; i++) written.push(await author.active.addAudioFile(i % 2 ? HELLO_WAV : HELLO_MP3, { source: 'import' }))
    const key = author.active.id

    // The relay is not the app (whose own handler would answer the extension): a bare Corestore
    // that holds every block of both cores and listens on the extension's channel.
    const relay = await RelayStore.open()
    const toAuthor = relay.connect(author.journals.corestore)
    const heard: Buffer[] = []
    await relay.holdJournal(decodeKey(key), (message) => heard.push(message))
    await waitFor(() => relay.complete(), 'the relay holds every block')
    await toAuthor()
    // The reader reaches the journal through the relay alone, lists it and plays every entry.
    const reader = await openPeer()
    relay.connect(reader.journals.corestore)
    await reader.library.add(key)
    const journal = await reader.library.whenReadable(key)
    await waitFor(async () => (await journal.listEntries()).length === ENTRIES, 'the reader lists every entry')
    for (const entry of written) {
      const audio = await journal.openAudio(entry.path)
      try {
        assert.deepEqual(await readAll(audio.read()), await readFile(entry.format === 'mp3' ? HELLO_MP3 : HELLO_WAV))
      } finally {
        await audio.close()
      }
    }
    // Older versions are opened from snapshots of the same drive; they must not ask either.
    assert.equal((await journal.listEntries(2)).length, 1)
    assert.deepEqual(heard.map((message) => message.toString('latin1')), [], 'no extension message reached the relay')
  })
})
