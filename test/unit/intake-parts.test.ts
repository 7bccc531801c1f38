import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import wavefile from 'wavefile'
import { CallLog } from '../../src/main/intake/call-log'
import { parseRecordingEvent } from '../../src/main/intake/recording-event'
import { repairWavFile, StreamingWavFile } from '../../src/main/intake/streaming-wav-file'
import { TaskLimit } from '../../src/main/intake/task-limit'
import { probeAudio } from '../../src/main/journal/audio-probe'
import { makeTempDir } from '../helpers/temp-dir'

/** The parts of a parsed WAV these tests read (wavefile types its chunks as plain objects). */
function readWav(bytes: Buffer): { sampleRate: number; channels: number; samples: Buffer } {
  const wav = new wavefile.WaveFile(bytes) as unknown as { fmt: { sampleRate: number; numChannels: number }; data: { samples: Uint8Array } }
  return { sampleRate: wav.fmt.sampleRate, channels: wav.fmt.numChannels, samples: Buffer.from(wav.data.samples) }
}

const uuid = randomUUID()
const event = (overrides: Record<string, unknown>) => ({
  start_time: '2026-02-03T04:05:06Z',
  recording_url: `https://api-us-3.vonage.com/v1/files/${randomUUID()}`,
  size: 1200,
  recording_uuid: uuid,
  conversation_uuid: 'CON-' + randomUUID(),
  ...overrides
})

describe('recording events', () => {
  it('accepts a Vonage host or the configured API host', () => {
    const job = parseRecordingEvent(event({}), '')
    assert.equal(job.recordingUuid, uuid)
    assert.equal(job.startedAt, Date.parse('2026-02-03T04:05:06Z'))
    assert.ok(parseRecordingEvent(event({ recording_url: 'http://127.0.0.1:4010/v1/files/abc' }), 'http://127.0.0.1:4010'))
  })
  it('refuses empty, foreign, look-alike and non-https URLs, and uuids that are not UUIDs', () => {
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ recording_url: '' }, /empty/],
      [{ recording_url: 'https://evil.example/v1/files/x' }, /not on a Vonage API host/],
      [{ recording_url: 'https://api.nexmo.com.evil.example/v1/files/x' }, /not on a Vonage API host/],
      [{ recording_url: 'http://api.nexmo.com/v1/files/x' }, /not on a Vonage API host/],
      [{ recording_url: 'https://user:pw@api.nexmo.com/v1/files/x' }, /not on a Vonage API host/],
      [{ recording_url: 'https://api.nexmo.com/../../etc/passwd' }, /not on a Vonage API host/],
      [{ recording_url: 'http://127.0.0.1:4011/v1/files/x' }, /not on a Vonage API host/],
      [{ recording_uuid: '../../etc/passwd' }, /UUID/],
      [{ recording_uuid: 42 }, /UUID/]
    ]
    for (const [overrides, message] of refused) {
      assert.throws(() => parseRecordingEvent(event(overrides), 'http://127.0.0.1:4010'), message, JSON.stringify(overrides))
    }
    assert.throws(() => parseRecordingEvent([], ''), /JSON object/)
  })
})

describe('call log', () => {
  it('drops duplicate deliveries, links entries, survives reopening and exports safe CSV', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const file = join(dir, 'calls.jsonl')
      const log = await CallLog.open(file)
      const call = { uuid: 'aaaa', conversation_uuid: 'CON-1', from: '447700900001', to: '447700900000', direction: 'inbound' }
      assert.equal(await log.recordEvent({ ...call, status: 'started', timestamp: '2026-01-01T10:00:00.000Z' }), true)
      assert.equal(await log.recordEvent({ ...call, status: 'started', timestamp: '2026-01-01T10:00:00.000Z' }), false)
      await log.recordEvent({ ...call, status: 'completed', timestamp: '2026-01-01T10:01:00.000Z', duration: '60' })
      await log.linkEntry({ conversationUuid: 'CON-1', entryPath: '/recordings/2026/01/x.mp3' })
      await log.recordEvent({ uuid: 'bbbb', from: '=HYPERLINK("x")', status: 'started', timestamp: '2026-01-02T10:00:00.000Z' })
      await log.close()
      await writeFile(file, (await readFile(file, 'utf8')) + '{"kind":"event","uu') // a crash mid-line
      const reopened = await CallLog.open(file)
      const [second, first] = reopened.list()
      assert.equal(first?.uuid, 'aaaa')
      assert.deepEqual(first?.statuses.map((s) => s.status), ['started', 'completed'])
      assert.equal(first?.durationSeconds, 60)
      assert.equal(first?.entryPath, '/recordings/2026/01/x.mp3')
      assert.equal(second?.uuid, 'bbbb')
      const csv = reopened.toCsv()
      assert.match(csv, /^call_uuid,conversation_uuid,from,to,direction,started_at,duration_seconds,statuses,entry_path,hotline,outcome,answered_by,waited_seconds,staff_rung\r\n/)
      assert.match(csv, /aaaa,CON-1,447700900001,447700900000,inbound,2026-01-01T10:00:00.000Z,60,started > completed,\/recordings\/2026\/01\/x.mp3/)
      assert.match(csv, /"'=HYPERLINK\(""x""\)"/, 'a formula in a caller id is defused')
    } finally {
      await cleanup()
    }
  })
})

describe('streaming WAV files', () => {
  const pcm = (frames: number): Buffer => {
    const buffer = Buffer.alloc(frames * 640)
    for (let i = 0; i < buffer.length / 2; i++) buffer.writeInt16LE(Math.round(8000 * Math.sin(i / 10)), i * 2)
    return buffer
  }

  it('writes a valid WAV whose samples are exactly what was appended', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const file = join(dir, 'call.wav')
      const wav = new StreamingWavFile(file, 16000)
      const audio = pcm(250) // 5 s
      for (let offset = 0; offset < audio.length; offset += 640) wav.append(audio.subarray(offset, offset + 640))
      assert.equal(await wav.finish(), audio.length)
      const parsed = readWav(await readFile(file))
      assert.equal(parsed.sampleRate, 16000)
      assert.equal(parsed.channels, 1)
      assert.ok(parsed.samples.equals(audio))
      assert.equal((await probeAudio(file)).durationMs, 5000)
    } finally {
      await cleanup()
    }
  })

  it('repairs a file cut off mid-call into a playable WAV of what reached the disk', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const file = join(dir, 'cut.wav')
      const wav = new StreamingWavFile(file, 16000)
      const audio = pcm(200)
      for (let offset = 0; offset < audio.length; offset += 640) wav.append(audio.subarray(offset, offset + 640))
      await wav.finish()
      // Simulate a crash: header sizes still zero, plus half a sample at the end.
      const bytes = await readFile(file)
      bytes.writeUInt32LE(0, 4)
      bytes.writeUInt32LE(0, 40)
      await writeFile(file, Buffer.concat([bytes, Buffer.from([1])]))
      assert.equal(await repairWavFile(file), audio.length)
      assert.ok(readWav(await readFile(file)).samples.equals(audio))
    } finally {
      await cleanup()
    }
  })

  it('counts the audio waiting for the disk: a flushed batch is queued until its write finishes', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const wav = new StreamingWavFile(join(dir, 'queued.wav'), 16000)
      const audio = pcm(100) // 64,000 bytes: three full 16 KiB batches and a partial one
      for (let offset = 0; offset < audio.length; offset += 640) wav.append(audio.subarray(offset, offset + 640))
      // Writes finish on a later turn of the event loop, so the three flushed batches are all queued now.
      assert.equal(wav.queuedBytes, 3 * 16 * 1024)
      assert.equal(wav.dataBytes, audio.length)
      await wav.drained()
      assert.equal(wav.queuedBytes, 0)
      assert.equal(await wav.finish(), audio.length)
      assert.ok(readWav(await readFile(join(dir, 'queued.wav'))).samples.equals(audio))
    } finally {
      await cleanup()
    }
  })

  it('reports a failed write from drained() and finish(), without an unhandled rejection in between', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const file = join(dir, 'taken.wav')
      await writeFile(file, 'already here') // the WAV is created with 'wx', so opening it fails
      const wav = new StreamingWavFile(file, 16000)
      const audio = pcm(60)
      for (let offset = 0; offset < audio.length; offset += 640) wav.append(audio.subarray(offset, offset + 640))
      await assert.rejects(wav.drained(), { code: 'EEXIST' })
      await assert.rejects(wav.finish(), { code: 'EEXIST' })
      assert.equal(await readFile(file, 'utf8'), 'already here')
    } finally {
      await cleanup()
    }
  })
})

describe('task limit', () => {
  it('runs at most its limit at once, the rest in the order they came, and goes on after a failure', async () => {
    const limit = new TaskLimit(2)
    const started: number[] = []
    const finishers = new Map<number, () => void>()
    let running = 0
    let most = 0
    const task = (id: number) =>
      limit.run(async () => {
        started.push(id)
        running++
        most = Math.max(most, running)
        await new Promise<void>((resolve) => finishers.set(id, resolve))
        running--
        if (id === 1) throw new Error('task 1 failed')
        return id
      })
    const results = [1, 2, 3, 4, 5].map((id) => task(id).catch((error: Error) => error.message))
    const settle = () => new Promise((resolve) => setImmediate(resolve))
    await settle()
    assert.deepEqual(started, [1, 2])
    finishers.get(1)!()
    await settle()
    assert.deepEqual(started, [1, 2, 3])
    finishers.get(3)!()
    finishers.get(2)!()
    await settle()
    assert.deepEqual(started, [1, 2, 3, 4, 5])
    finishers.get(4)!()
    finishers.get(5)!()
    assert.deepEqual(await Promise.all(results), ['task 1 failed', 2, 3, 4, 5])
    assert.equal(most, 2)
  })
})
