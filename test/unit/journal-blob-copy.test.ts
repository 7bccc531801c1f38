import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { StreamingWavFile } from '../../src/main/intake/streaming-wav-file'
import { WRITE_BLOCK_BYTES } from '../../src/main/journal/blob-copy'
import { connect, peersPerTest } from '../helpers/library-peer'
import { audioOf } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'

/** 100.3 s of 16 kHz audio: 3.2 MB, copied in 1 MiB batches, the last one not a whole block. */
async function writeLongRecording(dir: string): Promise<Buffer> {
  const file = join(dir, 'long.wav')
  const wav = new StreamingWavFile(file, 16000)
  const frame = Buffer.alloc(640)
  for (let i = 0; i < 5015; i++) {
    for (let s = 0; s < 320; s++) frame.writeInt16LE(Math.round(4000 * Math.sin((i * 320 + s) / 7)) + (i % 13), s * 2)
    wav.append(frame)
  }
  await wav.finish()
  return readFile(file)
}

describe('adding a long recording', () => {
  const openPeer = peersPerTest()

  // A private journal's blocks are stored encrypted behind padding, written in place in the copy
  // buffer (blob-copy.ts): a reader elsewhere must get every byte back, as from a public one.
  for (const kind of ['public', 'private'] as const) {
    it(`stores a file of several batches byte for byte in a ${kind} journal, in 64 KiB blocks with a short last one; a reader gets the same bytes`, async () => {
      const author = await openPeer({ firstJournal: kind })
      const bytes = await writeLongRecording(author.dir)
      const file = join(author.dir, 'long.wav')
      assert.ok(bytes.length > 3 * 1024 * 1024 && bytes.length % WRITE_BLOCK_BYTES !== 0)

      const entry = await author.active.addAudioFile(file, { source: 'stream', id: 'long-call' })
      assert.equal(entry.size, bytes.length)
      assert.equal(entry.durationMs, 100_300)
      assert.equal(entry.blocksTotal, Math.ceil(bytes.length / WRITE_BLOCK_BYTES))
      assert.ok((await audioOf(author.active, entry.path)).equals(bytes), 'the entry holds exactly the file')

      // The next entry's blocks follow; the first one's are untouched by it.
      const next = await author.active.addAudioFile(file, { source: 'stream', id: 'second-call' })
      assert.ok((await audioOf(author.active, next.path)).equals(bytes))
      assert.ok((await audioOf(author.active, entry.path)).equals(bytes))

      const reader = await openPeer()
      connect(author, reader)
      const { item } = await reader.library.add(author.library.item(author.active.id).link)
      assert.equal(item.private, kind === 'private')
      const journal = await reader.library.whenReadable(item.key)
      await waitFor(async () => (await journal.listEntries()).length === 2, 'the reader lists both entries')
      for (const path of [entry.path, next.path]) assert.ok((await audioOf(journal, path)).equals(bytes), `${path}: the reader's copy is the file`)
    })
  }
})
