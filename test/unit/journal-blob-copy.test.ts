import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { StreamingWavFile } from '../../src/main/intake/streaming-wav-file'
import { WRITE_BLOCK_BYTES } from '../../src/main/journal/journal'
import { openTempJournal } from '../helpers/journal-fixture'
import { readAll } from '../helpers/streams'

describe('adding a long recording', () => {
  let fixture: Awaited<ReturnType<typeof openTempJournal>>
  before(async () => {
    fixture = await openTempJournal()
  })
  after(() => fixture.cleanup())

  it('stores a file of several copy segments byte for byte, in 64 KiB blocks with a short last one', async () => {
    // 100.3 s of 16 kHz audio: 3.2 MB, copied in 1 MiB parts, the last one not a whole block.
    const file = join(fixture.dir, 'long.wav')
    const wav = new StreamingWavFile(file, 16000)
    const frame = Buffer.alloc(640)
    for (let i = 0; i < 5015; i++) {
      for (let s = 0; s < 320; s++) frame.writeInt16LE(Math.round(4000 * Math.sin((i * 320 + s) / 7)) + (i % 13), s * 2)
      wav.append(frame)
    }
    await wav.finish()
    const bytes = await readFile(file)
    assert.ok(bytes.length > 3 * 1024 * 1024 && bytes.length % WRITE_BLOCK_BYTES !== 0)

    const entry = await fixture.journal.addAudioFile(file, { source: 'stream', id: 'long-call' })
    assert.equal(entry.size, bytes.length)
    assert.equal(entry.durationMs, 100_300)
    assert.equal(entry.blocksTotal, Math.ceil(bytes.length / WRITE_BLOCK_BYTES))
    const audio = await fixture.journal.openAudio(entry.path)
    try {
      assert.ok((await readAll(audio.read())).equals(bytes), 'the entry holds exactly the file')
    } finally {
      await audio.close()
    }

    // The next entry's blocks follow; the first one's are untouched by it.
    const next = await fixture.journal.addAudioFile(file, { source: 'stream', id: 'second-call' })
    const again = await fixture.journal.openAudio(next.path)
    try {
      assert.ok((await readAll(again.read())).equals(bytes))
    } finally {
      await again.close()
    }
  })
})
