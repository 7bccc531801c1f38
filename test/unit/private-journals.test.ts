import { strict as assert } from 'node:assert'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { decode as decodeKey } from 'hypercore-id-encoding'
import { ApiError } from '#shared/api'
import { KEY_HELP, parseJournalLink } from '#shared/journal-key'
import type { Journal } from '../../src/main/journal/journal'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { connect, LibraryPeer } from '../helpers/library-peer'
import { RelayStore } from '../helpers/relay-store'
import { readAll } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'

// Private journals between peers in one process (real Corestores piped together): the journal is
// encrypted with a read key that travels only in its link, and the key is kept with the library.

async function audioOf(journal: Journal, path: string): Promise<Buffer> {
  const audio = await journal.openAudio(path)
  try {
    return await readAll(audio.read())
  } finally {
    await audio.close()
  }
}

/** Every file under `dir`, read whole (the relay's data directory is small). */
async function filesUnder(dir: string): Promise<Buffer[]> {
  const names = await readdir(dir, { recursive: true })
  const files: Buffer[] = []
  for (const name of names) {
    const path = join(dir, name)
    if ((await stat(path)).isFile()) files.push(await readFile(path))
  }
  return files
}

/** Whether any 4 KiB run of `audio` (at 1 KiB steps) or the text `path` is in any of `files`. */
function leaks(files: Buffer[], path: string, audio: Buffer): boolean {
  const needles: Buffer[] = [Buffer.from(path)]
  for (let at = 0; at + 4096 <= audio.length; at += 1024) needles.push(audio.subarray(at, at + 4096))
  return files.some((file) => needles.some((needle) => file.includes(needle)))
}

describe('private journals', () => {
  const opened: LibraryPeer[] = []
  afterEach(async () => {
    for (const peer of opened.splice(0).reverse()) await peer.close()
    await RelayStore.closeAll()
  })
  async function openPeer(firstJournal: 'private' | 'public' = 'public'): Promise<LibraryPeer> {
    const peer = await LibraryPeer.open({ firstJournal })
    opened.push(peer)
    return peer
  }

  it('a new data directory’s first journal is private: its link carries the read key, kept 0600 beside the library', async () => {
    const author = await openPeer('private')
    const item = author.library.item(author.active.id)
    assert.equal(item.private, true)
    const parsed = parseJournalLink(item.link)
    assert.equal(parsed?.key, item.key)
    assert.match(item.link, /^hyper:\/\/[a-z0-9]{52}\/#encryptionKey=[a-z0-9]{52}$/)
    const keyFile = join(author.dir, 'journal-keys.json')
    if (process.platform !== 'win32') assert.equal((await stat(keyFile)).mode & 0o777, 0o600)
    assert.match(await readFile(keyFile, 'utf8'), new RegExp(parsed!.encryptionKey!))
    // After a restart the journal opens with its key and takes new entries.
    const entry = await author.active.addAudioFile(HELLO_MP3, { source: 'import' })
    await author.restart()
    assert.equal(author.library.item(author.active.id).link, item.link)
    await author.active.addAudioFile(HELLO_WAV, { source: 'import' })
    assert.deepEqual(await audioOf(author.active, entry.path), await readFile(HELLO_MP3))
    assert.equal((await author.active.listEntries()).length, 2)
  })

  it('a reader with the private link plays every entry; a host holding every block sees neither paths nor audio', async () => {
    const author = await openPeer('private')
    const written = [await author.active.addAudioFile(HELLO_MP3, { source: 'import' }), await author.active.addAudioFile(HELLO_WAV, { source: 'import' })]
    const original = [await readFile(HELLO_MP3), await readFile(HELLO_WAV)]
    const { link, key } = author.library.item(author.active.id)

    const host = await RelayStore.open()
    host.connect(author.journals.corestore)
    await host.holdJournal(decodeKey(key), () => {})
    await waitFor(() => host.complete(), 'the host holds every block')
    const held = await filesUnder(host.dir)
    written.forEach((entry, i) => assert.equal(leaks(held, entry.path, original[i]!), false, `${entry.path}: neither its path nor its audio is on the host's disk`))

    const reader = await openPeer()
    connect(author, reader)
    const { item } = await reader.library.add(link)
    assert.equal(item.private, true)
    assert.equal(item.link, link, 'the reader can pass the same link on')
    const journal = reader.library.journal(item.key)
    await waitFor(async () => (await journal.listEntries()).length === 2, 'the reader lists both entries')
    for (const [i, entry] of written.entries()) assert.deepEqual(await audioOf(journal, entry.path), original[i])
  })

  it('the same search finds a public journal’s paths and audio on a host (so the check above can fail)', async () => {
    const author = await openPeer('public')
    const entry = await author.active.addAudioFile(HELLO_MP3, { source: 'import' })
    const host = await RelayStore.open()
    host.connect(author.journals.corestore)
    await host.holdJournal(decodeKey(author.active.id), () => {})
    await waitFor(() => host.complete(), 'the host holds every block')
    assert.equal(leaks(await filesUnder(host.dir), entry.path, await readFile(HELLO_MP3)), true)
  })

  it('new journals are private unless chosen public; a private journal’s copy stays private; a public one can be copied private', async () => {
    const author = await openPeer('public')
    assert.equal(author.library.item(author.active.id).private, false)
    const privateOne = await author.library.create('Diary')
    const publicOne = await author.library.create('Radio', { private: false })
    assert.deepEqual([privateOne.private, publicOne.private], [true, false])
    await author.library.journal(publicOne.key).addAudioFile(HELLO_MP3, { source: 'import' })
    const privateCopy = await author.library.fork(publicOne.key, { private: true })
    assert.equal(privateCopy.private, true)
    assert.deepEqual(privateCopy.provenance?.forkedFrom, publicOne.key)
    assert.equal((await author.library.journal(privateCopy.key).listEntries()).length, 1)
    const copyOfPrivate = await author.library.fork(privateOne.key, {})
    assert.equal(copyOfPrivate.private, true)
  })

  it('refuses a link whose read key is malformed, and adds nothing', async () => {
    const reader = await openPeer()
    const before = reader.library.items().length
    const key = reader.active.id
    for (const link of [`hyper://${key}/#encryptionKey=${'y'.repeat(51)}`, `hyper://${key}/#encryptionKey=`, `hyper://${key}/#encryptionKey=${'y'.repeat(40)}`]) {
      await assert.rejects(reader.library.add(link), (error: unknown) => error instanceof ApiError && error.message === KEY_HELP, link)
    }
    assert.equal(reader.library.items().length, before)
  })
})
