import { strict as assert } from 'node:assert'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { randomBytes } from 'node:crypto'
import { decode as decodeKey, encode as encodeKey } from 'hypercore-id-encoding'
import { ApiError } from '#shared/api'
import { KEY_HELP, parseJournalLink } from '#shared/journal-key'
import { filesUnder, holdsPathOrAudio } from '../helpers/disk-search'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { connect, LibraryPeer, peersPerTest, PipeSwarm } from '../helpers/library-peer'
import { makeTempDir } from '../helpers/temp-dir'
import { JournalStore } from '../../src/main/journal/journal-store'
import { Library } from '../../src/main/library/library'
import { RelayStore } from '../helpers/relay-store'
import { audioOf } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'

// Private journals between peers in one process (real Corestores piped together): the journal is
// encrypted with a read key that travels only in its link, and the key is kept with the library.


describe('private journals', () => {
  const openLibraryPeer = peersPerTest()
  afterEach(() => RelayStore.closeAll())
  const openPeer = (firstJournal: 'private' | 'public' = 'public'): Promise<LibraryPeer> => openLibraryPeer({ firstJournal })

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
    written.forEach((entry, i) => assert.equal(holdsPathOrAudio(held, entry.path, original[i]!), false, `${entry.path}: neither its path nor its audio is on the host's disk`))

    const reader = await openPeer()
    connect(author, reader)
    const { item } = await reader.library.add(link)
    assert.equal(item.private, true)
    assert.equal(item.link, link, 'the reader can pass the same link on')
    const journal = reader.library.journal(item.key)
    await waitFor(async () => (await journal.listEntries()).length === 2, 'the reader lists both entries')
    for (const [i, entry] of written.entries()) assert.deepEqual(await audioOf(journal, entry.path), original[i])
  })

  it('a host given the public key alone holds every block blind; a reader with the link plays from it alone; a peer with the key alone is told it is private', async () => {
    const author = await openPeer('private')
    const written = [await author.active.addAudioFile(HELLO_MP3, { source: 'import' }), await author.active.addAudioFile(HELLO_WAV, { source: 'import' })]
    const original = [await readFile(HELLO_MP3), await readFile(HELLO_WAV)]
    const { link, key } = author.library.item(author.active.id)

    const host = await openPeer()
    const toAuthor = connect(author, host)
    const added = await host.library.add(key)
    assert.equal(added.item.readable, false, 'not readable here, whether its first block has come yet or not')
    await waitFor(() => host.library.item(key).kind === 'hosted', 'the host learns it is private')
    await waitFor(() => host.library.item(key).seeding.complete, 'the host holds every block of both cores')
    const hosted = host.library.item(key)
    assert.deepEqual([hosted.private, hosted.readable, hosted.writable, hosted.seeding.state], [true, false, false, 'seeding'])
    assert.ok(hosted.seeding.bytesTotal > original[0]!.length + original[1]!.length, 'the audio core is held too')
    assert.equal(hosted.link, `hyper://${key}/`, 'the host has no read key to pass on')
    assert.throws(() => host.library.journal(key), (error: unknown) => error instanceof ApiError && error.code === 'private')
    await assert.rejects(host.library.whenReadable(key), (error: unknown) => error instanceof ApiError && error.code === 'private')
    assert.deepEqual(host.library.heldView(key)?.info.kind, 'hosted')
    const held = await filesUnder(host.dir)
    written.forEach((entry, i) => assert.equal(holdsPathOrAudio(held, entry.path, original[i]!), false, `${entry.path} is not on the host's disk`))
    // Hosting survives a restart without its first block being asked for again.
    await toAuthor.close()
    await host.restart()
    assert.deepEqual([host.library.item(key).kind, host.library.item(key).readable], ['hosted', false])

    const reader = await openPeer()
    connect(host, reader)
    await reader.library.add(link)
    const journal = await reader.library.whenReadable(key)
    await waitFor(async () => (await journal.listEntries()).length === 2, 'the reader lists both entries from the host')
    for (const [i, entry] of written.entries()) assert.deepEqual(await audioOf(journal, entry.path), original[i])

    const stranger = await openPeer()
    connect(host, stranger)
    await stranger.library.add(key)
    await waitFor(() => stranger.library.item(key).kind === 'hosted', 'the stranger learns it is private')
    assert.equal(stranger.library.heldView(key)?.status.entries, 0, 'and is shown nothing of it')
  })

  it('the same search finds a public journal’s paths and audio on a host (so the check above can fail)', async () => {
    const author = await openPeer('public')
    const entry = await author.active.addAudioFile(HELLO_MP3, { source: 'import' })
    const host = await RelayStore.open()
    host.connect(author.journals.corestore)
    await host.holdJournal(decodeKey(author.active.id), () => {})
    await waitFor(() => host.complete(), 'the host holds every block')
    assert.equal(holdsPathOrAudio(await filesUnder(host.dir), entry.path, await readFile(HELLO_MP3)), true)
  })

  it('a data directory whose journal already holds entries (its library.json lost) reopens it as it was, not as a new private one', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const store = await JournalStore.open(dir)
      const written = await (await store.openOwn()).addAudioFile(HELLO_MP3, { source: 'import' })
      await store.close()
      const journals = await JournalStore.open(dir)
      const swarm = new PipeSwarm()
      const library = await Library.boot({ dataDir: dir, journals, swarm })
      try {
        assert.equal(library.item(library.active.id).private, false)
        assert.deepEqual((await library.active.listEntries()).map((e) => e.path), [written.path])
      } finally {
        await library.close()
        swarm.close()
        await journals.close()
      }
    } finally {
      await cleanup()
    }
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

  it('a link whose read key does not open the journal: held without it and told so, nothing decoded; the right link then opens it', async () => {
    const author = await openPeer('private')
    const written = await author.active.addAudioFile(HELLO_MP3, { source: 'import' })
    const { key, link } = author.library.item(author.active.id)
    const reader = await openPeer()
    connect(author, reader)
    const wrongKey = encodeKey(randomBytes(32))
    await reader.library.add(`hyper://${key}/#encryptionKey=${wrongKey}`)
    await waitFor(() => reader.library.item(key).wrongReadKey === true && reader.library.item(key).kind === 'hosted', 'the reader finds the key does not open it')
    const item = reader.library.item(key)
    assert.deepEqual([item.readable, item.private, item.link], [false, true, `hyper://${key}/`])
    const toldWhy = (error: unknown): boolean => error instanceof ApiError && error.code === 'private' && /does not open this journal/.test(error.message)
    assert.throws(() => reader.library.journal(key), toldWhy)
    await assert.rejects(reader.library.whenReadable(key), toldWhy)
    assert.doesNotMatch(await readFile(join(reader.dir, 'journal-keys.json'), 'utf8'), new RegExp(wrongKey), 'the wrong key is not kept')
    // Still so after a restart.
    await reader.restart()
    connect(author, reader)
    assert.equal(reader.library.item(key).wrongReadKey, true)

    await reader.library.add(link)
    const journal = await reader.library.whenReadable(key)
    await waitFor(async () => (await journal.listEntries()).length === 1, 'the right link lists the entry')
    assert.deepEqual(await audioOf(journal, written.path), await readFile(HELLO_MP3))
    assert.equal(reader.library.item(key).wrongReadKey, undefined)
    assert.equal(reader.library.item(key).link, link)
  })

  it('a wrong link for a journal already hosted blind is refused at once and changes nothing', async () => {
    const author = await openPeer('private')
    await author.active.addAudioFile(HELLO_MP3, { source: 'import' })
    const key = author.active.id
    const host = await openPeer()
    connect(author, host)
    await host.library.add(key)
    await waitFor(() => host.library.item(key).kind === 'hosted', 'the host learns it is private')
    const before = host.library.item(key)
    const wrongKey = encodeKey(randomBytes(32))
    await assert.rejects(
      host.library.add(`hyper://${key}/#encryptionKey=${wrongKey}`),
      (error: unknown) => error instanceof ApiError && error.field === 'link' && /does not open this journal/.test(error.message)
    )
    const after = host.library.item(key)
    assert.deepEqual([after.kind, after.readable, after.link, after.wrongReadKey], [before.kind, false, before.link, undefined])
    assert.doesNotMatch(await readFile(join(host.dir, 'journal-keys.json'), 'utf8').catch(() => ''), new RegExp(wrongKey), 'the wrong key is not kept')
  })

  it('a public journal added with a read key in its link opens without it', async () => {
    const author = await openPeer('public')
    const written = await author.active.addAudioFile(HELLO_MP3, { source: 'import' })
    const key = author.active.id
    const reader = await openPeer()
    connect(author, reader)
    await reader.library.add(`hyper://${key}/#encryptionKey=${encodeKey(randomBytes(32))}`)
    await waitFor(() => reader.library.item(key).readable && !reader.library.item(key).private, 'the reader opens it as public')
    const journal = await reader.library.whenReadable(key)
    await waitFor(async () => (await journal.listEntries()).length === 1, 'the reader lists the entry')
    assert.deepEqual(await audioOf(journal, written.path), await readFile(HELLO_MP3))
    assert.equal(reader.library.item(key).link, `hyper://${key}/`)
  })
})
