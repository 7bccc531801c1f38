// Needs espeak-ng (speechWithTranscript synthesises words at run time; .ci/run installs it).
import { strict as assert } from 'node:assert'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { tokenGenerate } from '@vonage/jwt'
import { loadCallerAudio, speechWithTranscript, VonageSimulator, type CallerAudio, type SimTranscript } from '../src/index'

/** Root mean square of the samples from `ms` for `lengthMs` (16 kHz). */
function loudness(pcm: Int16Array, ms: number, lengthMs: number): number {
  const from = Math.round(ms * 16)
  const to = Math.min(pcm.length, from + Math.round(lengthMs * 16))
  let sum = 0
  for (let i = from; i < to; i++) sum += pcm[i]! * pcm[i]!
  return Math.sqrt(sum / Math.max(1, to - from))
}

/** Every word's audio is speech where the transcript says it is, and silence comes before the first. */
function assertTimesMatchAudio(audio: CallerAudio, transcript: SimTranscript): void {
  const words = transcript.channels[0]!.transcript.flatMap((sentence) => sentence.words)
  assert.ok(words.length > 0)
  let previousEnd = 0
  for (const word of words) {
    assert.ok(word.start_time >= previousEnd, `${word.word} starts after the word before ends`)
    assert.ok(word.end_time > word.start_time && word.end_time <= audio.durationMs, `${word.word} lies within the audio`)
    assert.ok(loudness(audio.pcm!, word.start_time, Math.min(60, word.end_time - word.start_time)) > 300, `"${word.word}" is heard at ${word.start_time} ms`)
    // The gap before each word (at least 30 ms of it) is quiet: the boundary is where the speech starts.
    if (word.start_time - previousEnd >= 30) assert.ok(loudness(audio.pcm!, previousEnd + 5, word.start_time - previousEnd - 10) < 300, `silence before "${word.word}"`)
    previousEnd = word.end_time
  }
}

/** An app whose record action asks for transcription; it keeps the recording and transcription events. */
class TranscribingApp {
  readonly events: Array<{ path: string; body: Record<string, unknown>; authorization: string | undefined }> = []
  base = ''
  timeOut = 60
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = new URL(request.url ?? '/', this.base).pathname
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {}
      if (path === '/answer') {
        response.writeHead(200, { 'content-type': 'application/json' })
        const transcription = { language: 'en-GB', eventUrl: [`${this.base}/transcription`], eventMethod: 'POST' }
        response.end(JSON.stringify([{ action: 'record', endOnKey: '#', timeOut: this.timeOut, eventUrl: [`${this.base}/recording`], transcription }]))
        return
      }
      if (path !== '/event') this.events.push({ path, body, authorization: request.headers.authorization })
      response.writeHead(204).end()
    })
  })

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

describe('vonage-sim: speech made with its transcript', () => {
  it('ships the bundled speech with a transcript whose word times match the audio', () => {
    const audio = loadCallerAudio()
    assert.ok(audio.transcript, 'the bundled speech has its transcript')
    const sentences = audio.transcript.channels[0]!.transcript
    assert.equal(sentences[0]!.sentence, 'Hello, this is a test entry for my voice journal.')
    assert.deepEqual(sentences[1]!.words.map((word) => word.word), ['Today', 'I', 'walked', 'by', 'the', 'river', 'in', 'the', 'sunshine'])
    assertTimesMatchAudio(audio, audio.transcript)
  })

  it('makes other words the same way at run time (espeak-ng)', async () => {
    const { audio, transcript } = await speechWithTranscript(['The quick brown fox.', 'It jumps!'])
    assert.equal(audio.transcript, transcript)
    const [first, second] = transcript.channels[0]!.transcript
    assert.equal(first!.sentence, 'The quick brown fox.')
    assert.equal(first!.raw_sentence, 'the quick brown fox')
    assert.deepEqual(second!.words.map((word) => word.word), ['It', 'jumps'])
    assert.equal(first!.timestamp, first!.words[0]!.start_time)
    assert.equal(first!.duration, first!.words.at(-1)!.end_time - first!.timestamp)
    assertTimesMatchAudio(audio, transcript)
  })
})

describe('vonage-sim: transcribed recordings', () => {
  const app = new TranscribingApp()
  let sim: VonageSimulator
  const call = (options: Parameters<VonageSimulator['placeCall']>[0] = {}): ReturnType<VonageSimulator['placeCall']> =>
    sim.placeCall({ answerUrl: `${app.base}/answer`, eventUrl: `${app.base}/event`, realtime: false, ...options })
  const download = (url: string, authorization?: string): Promise<Response> => fetch(url, { headers: authorization ? { authorization } : {} })
  const token = (): string => `Bearer ${tokenGenerate(sim.account.applicationId, sim.account.privateKey)}`

  before(async () => {
    await app.listen()
    sim = await VonageSimulator.start()
  })
  after(async () => {
    await sim.close()
    await app.close()
  })

  it('posts the signed transcription event after the recording event and serves the transcript to the application JWT only', async () => {
    app.events.length = 0
    const result = await call().done
    assert.equal(result.status, 'completed', result.error)
    const recording = result.recordings[0]!
    const transcription = recording.transcription!
    assert.equal(transcription.language, 'en-GB')
    assert.deepEqual(app.events.map((event) => event.path), ['/recording', '/transcription'])
    const event = app.events[1]!
    assert.deepEqual(event.body, {
      conversation_uuid: result.conversationUuid,
      recording_uuid: recording.recordingUuid,
      status: 'transcribed',
      transcription_url: transcription.url,
      type: 'record'
    })
    assert.match(event.authorization ?? '', /^Bearer /, 'signed like every callback')
    assert.match(transcription.url, new RegExp(`^${sim.url}/v1/files/[0-9a-f-]+$`))
    assert.equal((await download(transcription.url)).status, 401)
    const response = await download(transcription.url, token())
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    const served = (await response.json()) as SimTranscript
    assert.deepEqual(served, transcription.transcript)
    // The whole bundled speech was recorded: its whole transcript.
    assert.deepEqual(served.channels[0]!.transcript, loadCallerAudio().transcript!.channels[0]!.transcript)
  })

  it('transcribes only what was recorded when the recording is cut short', async () => {
    app.timeOut = 3
    try {
      const result = await call().done
      const recording = result.recordings[0]!
      assert.equal(recording.durationMs, 3000)
      const words = recording.transcription!.transcript.channels[0]!.transcript.flatMap((sentence) => sentence.words)
      const full = loadCallerAudio().transcript!.channels[0]!.transcript.flatMap((sentence) => sentence.words)
      assert.ok(words.length > 0 && words.length < full.length, `${words.length} of ${full.length} words`)
      for (const word of words) assert.ok(word.start_time < 3000 && word.end_time <= 3000, `${word.word} is within the 3 s recorded`)
      assert.deepEqual(words.map((word) => word.word), full.filter((word) => word.start_time < 3000).map((word) => word.word))
    } finally {
      app.timeOut = 60
    }
  })

  it('has fault knobs: the transcription event first, twice, and a transcript that is not JSON', async () => {
    app.events.length = 0
    await call({ transcriptionBeforeRecording: true }).done
    assert.deepEqual(app.events.map((event) => event.path), ['/transcription', '/recording'])

    app.events.length = 0
    await call({ duplicateEvents: true }).done
    assert.deepEqual(app.events.map((event) => event.path), ['/recording', '/recording', '/transcription', '/transcription'])

    const result = await call({ transcriptNotJson: true }).done
    const response = await download(result.recordings[0]!.transcription!.url, token())
    assert.equal(response.status, 200)
    const text = await response.text()
    assert.throws(() => JSON.parse(text) as unknown, "not JSON")
  })

  it('refuses an NCCO whose transcription is malformed, as Vonage does', async () => {
    const { parseNcco } = await import('../src/index')
    const check = parseNcco([{ action: 'record', transcription: { language: 'English please' } }])
    assert.equal(check.ok, false)
    assert.equal(parseNcco([{ action: 'record', transcription: {} }]).ok, true)
    assert.equal(parseNcco([{ action: 'record', transcription: { eventUrl: 'http://x/t' } }]).ok, false)
  })
})
