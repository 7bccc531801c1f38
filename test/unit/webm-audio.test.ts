import { strict as assert } from 'node:assert'
import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { NotAudioError, probeAudio } from '../../src/main/journal/audio-probe'
import { readWebmAudio } from '../../src/main/journal/webm-audio'
import { sealWebmRecording } from '../../src/main/journal/webm-seal'
import { MICROPHONE_WEBM, MICROPHONE_WEBM_DURATION_MS } from '../helpers/fixtures'
import { makeTempDir } from '../helpers/temp-dir'

describe('WebM recordings from a browser', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>
  before(async () => {
    temp = await makeTempDir()
  })
  after(() => temp.cleanup())

  it('are probed as WebM with the duration their blocks span, though the header states none', async () => {
    const audio = await readWebmAudio(MICROPHONE_WEBM)
    assert.equal(audio.codec, 'A_OPUS')
    assert.equal(audio.info.hasDuration, false)
    assert.deepEqual(await probeAudio(MICROPHONE_WEBM), { format: 'webm', durationMs: MICROPHONE_WEBM_DURATION_MS })
  })

  it('a recording cut off mid-way is read up to its last complete block', async () => {
    const cut = join(temp.dir, 'cut.webm')
    await copyFile(MICROPHONE_WEBM, cut)
    await truncate(cut, 30_000)
    const audio = await readWebmAudio(cut)
    assert.ok(audio.completeBytes < 30_000 && audio.completeBytes > 25_000, String(audio.completeBytes))
    assert.ok(audio.durationMs > 1000 && audio.durationMs < MICROPHONE_WEBM_DURATION_MS, String(audio.durationMs))
  })

  it('sealing cuts after the last complete block and writes the duration into the header', async () => {
    const cut = join(temp.dir, 'cut-to-seal.webm')
    const sealed = join(temp.dir, 'sealed.webm')
    await copyFile(MICROPHONE_WEBM, cut)
    await truncate(cut, 30_000)
    const before = await readWebmAudio(cut)
    await sealWebmRecording(cut, sealed)
    const after = await readWebmAudio(sealed)
    assert.equal(after.info.hasDuration, true)
    assert.equal(after.durationMs, before.durationMs)
    assert.equal(after.completeBytes, (await readFile(sealed)).length, 'nothing incomplete is left at the end')
    // The header grows by the Duration element and a longer size field; the audio is moved as it was.
    const original = await readFile(cut)
    const result = await readFile(sealed)
    const growth = result.length - before.completeBytes
    assert.deepEqual(result.subarray(before.info.end + growth), original.subarray(before.info.end, before.completeBytes))
  })

  it('refuses EBML that is not WebM audio, and anything merely named .webm', async () => {
    const matroska = join(temp.dir, 'video.webm')
    const bytes = await readFile(MICROPHONE_WEBM)
    // The document type "webm" (at a fixed place in Chromium's header) becomes "mkvx".
    const at = bytes.indexOf(Buffer.from('webm'))
    bytes.write('mkvx', at, 'latin1')
    await writeFile(matroska, bytes)
    await assert.rejects(probeAudio(matroska), (error: unknown) => error instanceof NotAudioError && /document type mkvx/.test(error.message))
    const text = join(temp.dir, 'text.webm')
    await writeFile(text, 'not audio at all')
    await assert.rejects(probeAudio(text), NotAudioError)
    const emptyEbml = join(temp.dir, 'empty.webm')
    await writeFile(emptyEbml, Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))
    await assert.rejects(probeAudio(emptyEbml), NotAudioError)
  })
})
