import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import wavefile from 'wavefile'
import { IMPORT_CHUNK_BYTES } from '#shared/api'
import type { EntryDto } from '#shared/dto'
import { watch } from 'vue'
import { useHistoryStore } from '../../src/renderer/src/stores/history'
import { useImportStore, type ImportState } from '../../src/renderer/src/stores/imports'
import { useJournalStore } from '../../src/renderer/src/stores/journal'
import { usePlayerStore } from '../../src/renderer/src/stores/player'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { StoreHarness } from '../helpers/store-harness'
import { waitFor } from '../helpers/wait-for'

/** A WAV of `seconds` of a quiet tone, 16 kHz mono: 3 s is 96 kB, 100 s over three import chunks. */
function toneWav(seconds: number): Uint8Array<ArrayBuffer> {
  const samples = new Int16Array(16000 * seconds).map((_, i) => Math.round(3000 * Math.sin(i / 7)))
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, 16000, '16', samples)
  return new Uint8Array(wav.toBuffer())
}

// The player, the imports and the history pages over the renderer's HTTP client against a built
// headless host. Each test makes its own journal on the host, and gets a fresh Pinia and client.
describe('player, imports and history stores', () => {
  let harness: StoreHarness
  before(async () => {
    harness = await StoreHarness.start()
  })
  after(() => harness?.close())
  beforeEach(() => harness.beginTest())
  afterEach(() => harness.endTest())

  /** What the player's <audio> element would load: the audio route answering its URL. */
  async function fetchPlayerSource(): Promise<Response> {
    return fetch(usePlayerStore().audio.src, { headers: { Range: 'bytes=0-' } })
  }

  it('plays one entry at a time: play and pause toggle, another entry switches the source', async () => {
    const key = await harness.newActiveJournal()
    const mp3 = await harness.app.importFile(HELLO_MP3)
    const wav = await harness.app.importFile(HELLO_WAV)
    const journal = useJournalStore()
    await journal.start()
    await waitFor(() => journal.entries.length === 2, 'both entries are listed')
    const player = usePlayerStore()
    player.toggle(mp3)
    await waitFor(() => player.playing, 'it plays')
    assert.deepEqual([player.current?.path, player.source?.journal, player.source?.version, player.isCurrent(mp3.path)], [mp3.path, key, null, true])
    assert.equal(player.duration, mp3.durationMs / 1000, 'the entry’s own duration until the audio says')
    const response = await fetchPlayerSource()
    assert.equal(response.status, 206)
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(await readFile(HELLO_MP3)), 'its URL serves the entry’s audio')

    player.toggle(mp3)
    await waitFor(() => !player.playing, 'the same entry pauses')
    player.toggle(mp3)
    await waitFor(() => player.playing, 'and plays again')
    player.seek(2)
    assert.equal(player.currentTime, 2)

    player.toggle(wav)
    assert.equal(player.current?.path, wav.path)
    assert.equal(player.currentTime, 0)
    assert.ok(!player.isCurrent(mp3.path))
    assert.ok(Buffer.from(await (await fetchPlayerSource()).arrayBuffer()).equals(await readFile(HELLO_WAV)))
  })

  it('keeps playing an entry of an older version while the window goes back to the latest, and follows a rename', async () => {
    const key = await harness.newActiveJournal('Versions')
    const first = await harness.app.importFile(HELLO_MP3)
    await harness.app.call('deleteEntry', { journal: key, path: first.path })
    const journal = useJournalStore()
    await journal.start()
    await journal.show(key, 2)
    await waitFor(() => journal.entries.length === 1, 'version 2 is listed')
    const player = usePlayerStore()
    player.toggle(journal.entries[0]!)
    assert.deepEqual([player.source?.journal, player.source?.version, player.source?.journalName], [key, 2, 'Versions'])
    assert.match(player.audio.src, /version=2/)
    const response = await fetchPlayerSource()
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(await readFile(HELLO_MP3)), 'the deleted entry plays from its version')
    await journal.backToLatest()
    assert.equal(player.current?.path, first.path, 'still in the player')
    assert.equal(player.isCurrent(first.path), false, 'but not an entry of what the window shows')

    // A rename of the entry playing shows in the player bar.
    const live = await harness.app.importFile(HELLO_WAV)
    await waitFor(() => journal.entries.some((e) => e.path === live.path), 'the new entry is listed')
    player.toggle(journal.entries.find((e) => e.path === live.path)!)
    await journal.renameEntry(live.path, 'Harbour walk')
    await waitFor(() => player.current?.title === 'Harbour walk', 'the player shows the new title')
  })

  it('uploads picked files one at a time in chunks, with progress, and lists them when done', async () => {
    const key = await harness.newActiveJournal()
    const journal = useJournalStore()
    await journal.start()
    const imports = useImportStore()
    const big = new File([toneWav(100)], 'long walk.wav', { type: 'audio/wav' })
    assert.ok(big.size > 2 * IMPORT_CHUNK_BYTES)
    const states: Array<[string, ImportState, number]> = []
    watch(
      () => imports.items.map((i) => [i.name, i.state, i.sent] as [string, ImportState, number]),
      (now) => states.push(...now.filter(([name, state, sent]) => !states.some(([n, s, b]) => n === name && s === state && b === sent))),
      { flush: 'sync' }
    )
    imports.add([big, new File([await readFile(HELLO_MP3)], 'hello.mp3', { type: 'audio/mpeg' })])
    await waitFor(() => imports.items.length === 2 && imports.items.every((i) => i.state === 'done'), 'both are done', 30_000)
    const bigSteps = states.filter(([name]) => name === 'long walk.wav')
    const chunkEnds: number[] = []
    for (let offset = 0; offset < big.size; offset += IMPORT_CHUNK_BYTES) chunkEnds.push(Math.min(offset + IMPORT_CHUNK_BYTES, big.size))
    assert.deepEqual(
      bigSteps.filter(([, state]) => state === 'uploading').map(([, , sent]) => sent),
      [0, ...chunkEnds],
      'progress after every chunk'
    )
    assert.deepEqual([...new Set(bigSteps.map(([, state]) => state))], ['queued', 'uploading', 'checking', 'done'])
    const mp3Started = states.findIndex(([name, state]) => name === 'hello.mp3' && state === 'uploading')
    const bigDone = states.findIndex(([name, state]) => name === 'long walk.wav' && state === 'done')
    assert.ok(mp3Started > bigDone, 'one file at a time')
    await waitFor(() => journal.entries.length === 2, 'the journal lists both')
    const entries: EntryDto[] = await harness.app.call('listEntries', { journal: key })
    assert.deepEqual(entries.map((e) => e.title).sort(), ['hello', 'long walk'])
    await waitFor(() => imports.items.length === 0, 'finished files leave the list')
  })

  it('shows why a file is refused and changes nothing; a queued file can be cancelled', async () => {
    const key = await harness.newActiveJournal()
    const journal = useJournalStore()
    await journal.start()
    const imports = useImportStore()
    imports.add([new File(['not audio at all '.repeat(100)], 'notes.mp3'), new File([await readFile(HELLO_WAV)], 'kept.wav')])
    const queued = imports.items[1]!
    imports.cancel(queued.id)
    await waitFor(() => imports.items[0]?.state === 'failed', 'the refusal is shown')
    assert.match(imports.items[0]!.error ?? '', /Not an audio file we can play/)
    assert.deepEqual(imports.items.map((i) => i.name), ['notes.mp3'], 'the cancelled file is gone, the refused one stays until dismissed')
    imports.dismiss(imports.items[0]!.id)
    assert.deepEqual(imports.items, [])
    assert.deepEqual(await harness.app.call('listEntries', { journal: key }), [])
  })

  it('pages the history backwards and keeps older pages when a newer change arrives', async () => {
    const key = await harness.newActiveJournal()
    const entry = await harness.app.importFile(HELLO_MP3)
    // 60 renames: 61 changes, more than a page of 50.
    for (let i = 1; i <= 60; i++) await harness.app.call('renameEntry', { journal: key, path: entry.path, title: `Take ${i}` })
    const history = useHistoryStore()
    await history.refresh(key)
    assert.equal(history.items.length, 50)
    assert.deepEqual([history.items[0]!.version, history.items[49]!.version], [62, 13])
    assert.equal(history.nextBefore, 13)
    await history.loadOlder()
    assert.equal(history.items.length, 61)
    assert.deepEqual(history.items.map((i) => i.version), Array.from({ length: 61 }, (_, i) => 62 - i))
    assert.equal(history.nextBefore, null)
    assert.equal(history.items.at(-1)!.change, 'added')

    await harness.app.call('renameEntry', { journal: key, path: entry.path, title: 'Take 61' })
    await history.refresh(key)
    assert.equal(history.items.length, 62, 'the new change on top of every page already loaded')
    assert.equal(history.items[0]!.version, 63)
    assert.equal(history.items[0]!.title, 'Take 61')

    // Another journal's history starts over.
    const other = await harness.newActiveJournal()
    await history.refresh(other)
    assert.deepEqual([history.items, history.nextBefore], [[], null])
  })
})
