import { strict as assert } from 'node:assert'
import { writeFile } from 'node:fs/promises'
import { afterEach, describe, it } from 'node:test'
import type { Transcript } from '#shared/transcript'
import { DownloadError } from '../../src/main/intake/recording-downloader'
import { readTranscriptFile } from '../../src/main/intake/transcript-download'
import { TranscriptQueue, type TranscriptQueueOptions } from '../../src/main/intake/transcript-queue'
import type { TranscriptJob } from '../../src/main/intake/transcription-event'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

const TRANSCRIPT: Transcript = { ver: '1.0.0', request_id: 'r', channels: [{ duration: 1, transcript: [] }] }
const job = (recordingUuid: string): TranscriptJob => ({ recordingUuid, url: `https://api.nexmo.com/v1/files/${recordingUuid}`, receivedAt: Date.now() })

/** An entry by its path alone: these tests keep entries in a set, not a journal. */
type EntryAt = { path: string }

/** A journal of entry paths and transcripts, and a Vonage whose downloads are counted. */
class Fakes {
  readonly entries = new Set<string>()
  readonly transcripts = new Map<string, Transcript>()
  downloads = 0
  failWith: DownloadError | null = null
  options(dir: string, overrides: Partial<TranscriptQueueOptions<EntryAt>> = {}): TranscriptQueueOptions<EntryAt> {
    return {
      dir,
      download: async (_job, file) => {
        this.downloads++
        if (this.failWith) throw this.failWith
        await writeFile(file, JSON.stringify(TRANSCRIPT))
        return TRANSCRIPT
      },
      readKept: readTranscriptFile,
      findEntry: async (queued) => {
        const path = [...this.entries].find((entry) => entry.includes(queued.recordingUuid))
        return path ? { path } : null
      },
      hasTranscript: async ({ path }) => this.transcripts.has(path),
      store: async ({ path }, transcript) => void this.transcripts.set(path, transcript),
      backoffMs: () => 20,
      // Long: only a landing recording (or a restart) ends the wait in these tests.
      recordingCheckMs: () => 60_000,
      ...overrides
    }
  }
}

describe('the transcript queue', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  async function start(fakes: Fakes, overrides: Partial<TranscriptQueueOptions<EntryAt>> = {}, dir?: string): Promise<{ queue: TranscriptQueue<EntryAt>; dir: string }> {
    let where = dir
    if (!where) {
      const temp = await makeTempDir()
      cleanups.push(temp.cleanup)
      where = temp.dir
    }
    const queue = new TranscriptQueue(fakes.options(where, overrides))
    cleanups.push(() => queue.stop())
    await queue.boot()
    return { queue, dir: where }
  }

  it('stores a transcript beside its entry and leaves the queue', async () => {
    const fakes = new Fakes()
    fakes.entries.add('/recordings/2026/11/aaa.mp3')
    const { queue } = await start(fakes)
    assert.equal(await queue.enqueue(job('aaa')), true)
    assert.equal(await queue.enqueue(job('aaa')), false, 'the same recording once')
    await waitFor(() => !queue.has('aaa'), 'stored')
    assert.deepEqual(fakes.transcripts.get('/recordings/2026/11/aaa.mp3'), TRANSCRIPT)
    assert.equal(fakes.downloads, 1)
    // Again, after it is stored: nothing is downloaded.
    await queue.enqueue(job('aaa'))
    await waitFor(() => !queue.has('aaa'), 'dealt with')
    assert.equal(fakes.downloads, 1)
  })

  it('keeps a transcript whose recording is not in the journal yet, and stores it when the recording lands', async () => {
    const fakes = new Fakes()
    const { queue } = await start(fakes)
    await queue.enqueue(job('bbb'))
    await waitFor(() => queue.snapshot()[0]?.state === 'retrying', 'waits for its recording')
    assert.match(queue.snapshot()[0]!.lastError!, /waiting for its recording/)
    assert.equal(queue.snapshot()[0]!.kind, 'transcript')
    fakes.entries.add('/recordings/2026/11/bbb.mp3')
    queue.recordingLanded('bbb')
    await waitFor(() => fakes.transcripts.has('/recordings/2026/11/bbb.mp3'), 'stored once the recording landed')
    assert.equal(fakes.downloads, 1, 'downloaded once, kept while it waited')
  })

  it('survives a restart while it waits, without downloading again', async () => {
    const fakes = new Fakes()
    const { queue, dir } = await start(fakes)
    await queue.enqueue(job('ccc'))
    await waitFor(() => queue.snapshot()[0]?.state === 'retrying', 'waits for its recording')
    await queue.stop()
    fakes.entries.add('/recordings/2026/11/ccc.mp3')
    const { queue: again } = await start(fakes, {}, dir)
    await waitFor(() => fakes.transcripts.has('/recordings/2026/11/ccc.mp3'), 'stored after the restart')
    assert.equal(again.has('ccc'), false)
    assert.equal(fakes.downloads, 1)
  })

  it('retries a failed download, and gives up at once on one that cannot succeed', async () => {
    const fakes = new Fakes()
    fakes.entries.add('/recordings/2026/11/ddd.mp3')
    fakes.failWith = new DownloadError('HTTP 503', true)
    const failed: string[] = []
    const { queue } = await start(fakes)
    queue.on('failed', (_job, reason) => failed.push(reason))
    await queue.enqueue(job('ddd'))
    await waitFor(() => fakes.downloads >= 2, 'retried')
    fakes.failWith = null
    await waitFor(() => fakes.transcripts.has('/recordings/2026/11/ddd.mp3'), 'stored on a later attempt')

    fakes.entries.add('/recordings/2026/11/eee.mp3')
    fakes.failWith = new DownloadError('Vonage sent something that is not a transcript (not JSON)', false)
    await queue.enqueue(job('eee'))
    await waitFor(() => queue.snapshot().some((item) => item.recordingUuid === 'eee' && item.state === 'failed'), 'failed for good')
    assert.deepEqual(failed, ['Vonage sent something that is not a transcript (not JSON)'])
  })
})
