import { strict as assert } from 'node:assert'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { IMPORT_CHUNK_BYTES } from '#shared/api'
import type { Journal } from '../../src/main/journal/journal'
import { MicrophoneRecordings } from '../../src/main/journal/microphone-recordings'
import { MICROPHONE_WEBM, MICROPHONE_WEBM_DURATION_MS } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'
import { waitFor } from '../helpers/wait-for'

/** The fixture in the one-second pieces MediaRecorder hands the window. */
async function chunksOfRecording(): Promise<Uint8Array[]> {
  const bytes = new Uint8Array(await readFile(MICROPHONE_WEBM))
  const chunks: Uint8Array[] = []
  for (let offset = 0; offset < bytes.length; offset += 16_000) chunks.push(bytes.subarray(offset, offset + 16_000))
  return chunks
}

describe('recordings made in the window', () => {
  let fixture: Awaited<ReturnType<typeof openTempJournal>>
  let journal: Journal
  const services: MicrophoneRecordings[] = []
  const dir = (): string => join(fixture.dir, 'recordings-in-progress')
  const start = async (idleMs = 60_000): Promise<MicrophoneRecordings> => {
    const recordings = new MicrophoneRecordings({ dir: dir(), journal: () => journal, idleMs })
    await recordings.boot()
    services.push(recordings)
    return recordings
  }

  beforeEach(async () => {
    fixture = await openTempJournal()
    journal = fixture.journal
  })
  afterEach(async () => {
    for (const service of services.splice(0)) await service.shutdown()
    await fixture.cleanup()
  })

  it('arrive chunk by chunk, open-ended, and become an entry with the duration of what was recorded', async () => {
    const recordings = await start()
    const id = await recordings.begin()
    for (const chunk of await chunksOfRecording()) await recordings.append(id, chunk)
    const entry = await recordings.finish(id)
    assert.equal(entry.source, 'microphone')
    assert.equal(entry.format, 'webm')
    assert.equal(entry.durationMs, MICROPHONE_WEBM_DURATION_MS)
    assert.equal(entry.partial, undefined)
    assert.match(entry.path, new RegExp(`/${id}\\.webm$`))
    assert.deepEqual(await readdir(dir()), [], 'nothing is left behind')
    await assert.rejects(recordings.append(id, new Uint8Array(1)), /not in progress/)
  })

  it('refuses chunks larger than an import chunk', async () => {
    const recordings = await start()
    const id = await recordings.begin()
    await assert.rejects(recordings.append(id, new Uint8Array(IMPORT_CHUNK_BYTES + 1)), /A chunk must hold/)
  })

  it('a cancelled recording leaves nothing', async () => {
    const recordings = await start()
    const id = await recordings.begin()
    await recordings.append(id, (await chunksOfRecording())[0]!)
    await recordings.cancel(id)
    assert.deepEqual(await readdir(dir()), [])
    assert.deepEqual(await journal.listEntries(), [])
  })

  it('one the window stopped sending becomes a partial entry of what arrived; a kept-alive pause does not', async () => {
    const recordings = await start(600)
    const paused = await recordings.begin()
    const abandoned = await recordings.begin()
    const [first, second] = await chunksOfRecording()
    for (const id of [paused, abandoned]) {
      await recordings.append(id, first!)
      await recordings.append(id, second!)
    }
    const keepAlive = setInterval(() => recordings.keep(paused), 100)
    try {
      await waitFor(async () => (await journal.listEntries()).length === 1, 'the abandoned recording is kept')
      const [entry] = await journal.listEntries()
      assert.match(entry!.path, new RegExp(`/${abandoned}\\.webm$`))
      assert.equal(entry!.partial, true)
      assert.ok(entry!.durationMs > 500 && entry!.durationMs < MICROPHONE_WEBM_DURATION_MS, String(entry!.durationMs))
      assert.ok(recordings.has(paused), 'the paused one is still open')
    } finally {
      clearInterval(keepAlive)
    }
  })

  it('one a stopped app left on disk becomes a partial entry at the next start; one with no audio is dropped', async () => {
    const first = await start()
    const id = await first.begin()
    const [chunk] = await chunksOfRecording()
    await first.append(id, chunk!)
    const empty = await first.begin()
    await first.shutdown()
    services.splice(0)
    const second = await start()
    await second.settled()
    const entries = await journal.listEntries()
    assert.deepEqual(
      entries.map((e) => [e.path.split('/').pop(), e.partial]),
      [[`${id}.webm`, true]]
    )
    assert.deepEqual(await readdir(dir()), [], `the empty one (${empty}) is dropped too`)
  })
})
